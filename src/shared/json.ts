export type JsonObject = Record<string, unknown>;

export function parseJsonObject(text: string | null | undefined): JsonObject {
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  return isObject(value) ? value : {};
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
