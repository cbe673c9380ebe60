declare module '#table-validator' {
  export interface SchemaError {
    instancePath: string;
    schemaPath: string;
    keyword: string;
    message?: string;
    params: Record<string, unknown>;
  }
  const validate: ((data: unknown) => boolean) & { errors?: SchemaError[] | null };
  export default validate;
}

declare module '#snapshot-validator' {
  const validate: ((data: unknown) => boolean) & { errors?: import('#table-validator').SchemaError[] | null };
  export default validate;
}

declare module 'cli-table3/src/utils.js' {
  /** The widest line of a cell as a terminal shows it (colour codes take no width). */
  const utils: { strlen(text: string): number };
  export default utils;
}
