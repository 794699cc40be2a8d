/* The manifest's objects and fields as the org describes them (EntityDefinition and EntityParticle rows). */
import type { FieldDescribe, ObjectDescribe } from './types.js';
import { bool, rel, SoqlRecord, str } from './batch.js';

/** Object describes (existence, OWD, field facts) from EntityDefinition / EntityParticle rows; null = not in the org. */
export const assembleObjects = (objects: string[], r1: Map<string, SoqlRecord[]>): Record<string, ObjectDescribe | null> => {
  const objectMap: Record<string, ObjectDescribe | null> = {};
  const entities = r1.get('entities') ?? [];
  for (const object of objects) {
    const entity = entities.find((e) => str(e.QualifiedApiName).toLowerCase() === object.toLowerCase());
    if (!entity) {
      objectMap[object] = null;
      continue;
    }
    const fields: Record<string, FieldDescribe> = {};
    for (const p of r1.get('particles') ?? []) {
      if (str(rel(p, 'EntityDefinition.QualifiedApiName')).toLowerCase() !== object.toLowerCase()) continue;
      const name = str(p.QualifiedApiName);
      fields[name] = {
        name,
        type: str(p.DataType),
        permissionable: bool(p.IsPermissionable),
        nillable: bool(p.IsNillable),
        createable: bool(p.IsCreatable),
        updateable: bool(p.IsUpdatable),
      };
    }
    objectMap[object] = { name: str(entity.QualifiedApiName), label: str(entity.Label), sharingModel: str(entity.InternalSharingModel) || undefined, fields };
  }

  return objectMap;
};
