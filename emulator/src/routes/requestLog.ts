/* The request log: every top-level request (test endpoints aside) with its status, sizes and time. */

export type RequestLogEntry = {
  seq: number;
  method: string;
  /** normalised path with the query string */
  path: string;
  status: number;
  bytesIn: number;
  /** bytes sent (gzip-compressed when the request accepted it, as Salesforce does) */
  bytesOut: number;
  /** the response body before compression */
  bytesOutUncompressed: number;
  ms: number;
  /** when the request arrived (epoch ms): requests that overlap in time were in flight together */
  startedAt: number;
  /** CPU time (user + system, ms) the emulator process spent between arrival and answer (concurrent requests' included) */
  cpuMs: number;
  /** the request body (utf8), only while `PUT /__emulator/log {"bodies": true}` asks for it */
  body?: string;
};

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  /** whether entries carry the request body */
  private bodies = false;

  public keepBodies(on: boolean): void {
    this.bodies = on;
  }

  public record(
    method: string,
    path: string,
    status: number,
    body: Buffer,
    sent: { bytesOut: number; bytesOutUncompressed: number },
    started: number,
    cpuStarted: NodeJS.CpuUsage
  ): void {
    const cpu = process.cpuUsage(cpuStarted);
    const entry: RequestLogEntry = {
      seq: ++this.seq,
      method,
      path,
      status,
      bytesIn: body.length,
      ...sent,
      ms: Date.now() - started,
      startedAt: started,
      cpuMs: Math.round((cpu.user + cpu.system) / 100) / 10,
    };
    if (this.bodies) entry.body = body.toString('utf8');
    this.entries.push(entry);
  }

  public list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  public clear(): void {
    this.entries = [];
  }
}
