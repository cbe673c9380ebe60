import { Dec } from '../../src/core/decimal.js';
import type { DesignParams } from '../../src/core/design.js';
import type { OperationCost } from '../../src/core/samples.js';

const d = (x: string | number) => new Dec(x);

/** The worked example of the method, as aggregated operation costs. */
export const WORKED_EXAMPLE: OperationCost[] = [
  { operation: 'image_upload', cost: d('0.0002'), samples: 1 },
  { operation: 'basic_resize', cost: d('0.0008'), samples: 1 },
  { operation: 'ai_analysis', cost: d('0.0150'), samples: 1, multiplier: d('1.5') },
  { operation: 'background_removal', cost: d('0.0400'), samples: 1, multiplier: d('1.2') },
  { operation: 'video_processing', cost: d('0.5000'), samples: 1 },
];

export const PARAMS: DesignParams = {
  multipliers: {},
  ladder: 'friendly',
  rounding: 'nearest',
  margin: d('0.7'),
  floor: d('0.5'),
  currency: 'USD',
  pinned: {},
};

