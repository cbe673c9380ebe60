/**
 * Token columns, as costs files and usage logs of AI operations write them:
 * the aliases each is known by, and the price per token each is multiplied by.
 */
export const TOKEN_ALIASES = {
  model: ['model', 'model_id'],
  input_tokens: ['input_tokens', 'prompt_tokens'],
  output_tokens: ['output_tokens', 'completion_tokens'],
  cached_input_tokens: ['cached_input_tokens', 'cache_read_tokens', 'cached_tokens'],
} as const;

export const TOKEN_PRICES = [
  ['input_tokens', 'input'],
  ['output_tokens', 'output'],
  ['cached_input_tokens', 'cached_input'],
] as const;
