/** What an Aspose error body says, whichever product's shape it has. @internal */
export interface AsposeErrorBody {
  apiCode?: string;
  apiMessage?: string;
  requestId?: string;
}

/**
 * Reads an Aspose error body. The products disagree on shape and casing, so
 * keys are matched case-insensitively:
 * - Words/Cells: `{"Error":{"Code","Message","Description"},"RequestId"}`
 * - BarCode v4: `{"requestId","error":{"code","message","description"}}`
 * - PDF: `{"Code","Message","Description","InnerError":{"RequestId"}}`
 * - OAuth-style: `{"error":"invalid_token","error_description"}`
 *
 * @internal
 */
export function parseAsposeErrorBody(text: string): AsposeErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const top = lower(json);
  if (!top) return {};
  const inner = lower(top.error);
  const src = inner ?? top;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
  const innerError = lower(src.innererror) ?? lower(top.innererror);
  return {
    apiCode: str(src.code) ?? str(top.error),
    apiMessage: str(src.message) ?? str(src.description) ?? str(top.error_description),
    requestId: str(top.requestid) ?? str(src.requestid) ?? str(innerError?.requestid),
  };
}

function lower(v: unknown): Record<string, unknown> | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) out[k.toLowerCase()] = val;
  return out;
}
