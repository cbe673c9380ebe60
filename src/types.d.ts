declare module '#table-validator' {
  interface SchemaError {
    instancePath: string;
    keyword: string;
    message?: string;
    params: Record<string, unknown>;
  }
  const validate: ((data: unknown) => boolean) & { errors?: SchemaError[] | null };
  export default validate;
}
