// The service's /v1 routes, with the API key the user entered; every error of api.md's table in words.

export class ApiError extends Error {
  constructor(status, code, message, details = null, retryAfter = null, withoutKey = false) {
    super(message);
    // The request carried no API key (none entered in Settings).
    this.withoutKey = withoutKey;
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

/** POST a JSON body to a /v1 route; the parsed answer, or an ApiError. */
export async function post(path, body, apiKey) {
  const headers = { "content-type": "application/json" };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  let response;
  try {
    response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, "network", String(error));
  }
  const text = await response.text();
  let data = null;
  try {
    data = JSON.parse(text);
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data?.error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? `http_${response.status}`,
      error.message ?? text.slice(0, 200),
      error.details ?? null,
      response.headers.get("retry-after") ?? error.details?.retry_after_s ?? null,
      !apiKey,
    );
  }
  return data;
}

function fieldsOf(details) {
  if (!Array.isArray(details)) return "";
  const names = details
    .map((d) => (Array.isArray(d.loc) ? d.loc.filter((p) => p !== "body").join(".") : d.field))
    .filter(Boolean);
  return names.length ? ` (${names.join(", ")})` : "";
}

/** What a person should read for an error of the service. */
export function errorText(error) {
  switch (error.code) {
    case "unauthorized":
      if (error.withoutKey)
        return "This service requires an API key: enter yours under Settings (make one with `calendy keys create`).";
      return `The API key was refused: ${error.message}. Enter a valid key in Settings (make one with \`calendy keys create\`).`;
    case "rate_limited":
      return `Too many requests for this key: try again in ${error.retryAfter ?? "a few"} s.`;
    case "llm_unavailable":
      return "No language model is available right now and the local engine could not answer. Rephrase the command, or choose the local engine.";
    case "llm_timeout":
      return "The language model did not answer in time. Try again, or choose the local engine.";
    case "llm_error":
      return `The language model's API answered with an error: ${error.message}. Try again later.`;
    case "llm_invalid_output":
      return "The language model's answer could not be made into valid SQL. Try rephrasing the command.";
    case "invalid_request":
      return `The service refused the request${fieldsOf(error.details)}: ${error.message}`;
    case "payload_too_large":
      return "Your plans are too many to send in one request. Delete some old plans and try again.";
    case "service_unavailable":
      return `The service cannot serve this right now: ${error.message}. Try again shortly.`;
    case "not_found":
    case "method_not_allowed":
      return `The service does not offer this route (${error.code}); is the page talking to a Calendy Manager server?`;
    case "network":
      return `The service could not be reached: ${error.message}`;
    default:
      return `The service answered ${error.status} ${error.code}: ${error.message}`;
  }
}
