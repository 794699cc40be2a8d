const inherited = [
  { group: ['src/**'], message: "imports from this repo's src folder should be a relative path" },
  { group: ['**/../lib/**', 'lib/**'], message: 'import from /src not from /lib. /lib is a build artifact' },
  {
    group: ['@salesforce/kit'],
    importNames: ['logFn'],
    message: 'The logging function is only for debug and should not be shipped in production code',
  },
];

module.exports = {
  extends: ['eslint-config-salesforce-typescript', 'plugin:sf-plugin/recommended'],
  root: true,
  rules: {
    header: 'off',
  },
  overrides: [
    {
      // the plugin ships without the emulator (a workspace of its own, emulator/package.json, not in the tarball)
      files: ['src/**/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              ...inherited,
              {
                group: ['**/emulator/**', '**/emulator', '@sf-integration-access/emulator', '@sf-integration-access/emulator/**'],
                message: 'the plugin (src/) must not import the org emulator: it is not shipped in the tarball',
              },
            ],
          },
        ],
      },
    },
  ],
};
