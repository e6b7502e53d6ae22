// The one Spectral function of the API Sentinel ruleset: the findings of one engine check (option `check`).
// The analysis itself is the engine's, bundled by `npm run build` from rulesets/adapter.ts.
import { createRulesetFunction } from '@stoplight/spectral-core';
import { CHECK_IDS, checkResults } from '../../dist/spectral-adapter.mjs';

export default createRulesetFunction(
  {
    input: null,
    options: {
      type: 'object',
      properties: { check: { enum: [...CHECK_IDS] } },
      required: ['check'],
      additionalProperties: false,
      errorMessage: { required: 'apiSentinel needs the option "check": the id of an API Sentinel check' },
    },
  },
  function apiSentinel(_input, options, context) {
    return checkResults(options.check, context);
  },
);
