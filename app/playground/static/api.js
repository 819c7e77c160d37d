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

const KEYS = "`calendy keys create`";

// Each code of api.md's error table, in English and in Korean; `e` is the ApiError.
const TEXTS = {
  en: {
    unauthorized: (e) =>
      e.withoutKey
        ? `This service requires an API key: enter yours under Settings (make one with ${KEYS}).`
        : `The API key was refused: ${e.message}. Enter a valid key in Settings (make one with ${KEYS}).`,
    rate_limited: (e) => `Too many requests for this key: try again in ${e.retryAfter ?? "a few"} s.`,
    llm_unavailable: () =>
      "No language model is available right now and the local engine could not answer. Rephrase the command, or choose the local engine.",
    llm_timeout: () => "The language model did not answer in time. Try again, or choose the local engine.",
    llm_error: (e) => `The language model's API answered with an error: ${e.message}. Try again later.`,
    llm_invalid_output: () =>
      "The language model's answer could not be made into valid SQL. Try rephrasing the command.",
    invalid_request: (e) => `The service refused the request${fieldsOf(e.details)}: ${e.message}`,
    payload_too_large: () => "Your plans are too many to send in one request. Delete some old plans and try again.",
    service_unavailable: (e) => `The service cannot serve this right now: ${e.message}. Try again shortly.`,
    not_found: (e) =>
      `The service does not offer this route (${e.code}); is the page talking to a Calendy Manager server?`,
    network: (e) => `The service could not be reached: ${e.message}`,
    other: (e) => `The service answered ${e.status} ${e.code}: ${e.message}`,
  },
  ko: {
    unauthorized: (e) =>
      e.withoutKey
        ? `이 서비스는 API 키가 필요합니다. Settings에 키를 입력하세요(${KEYS}로 만듭니다).`
        : `API 키가 거절되었습니다: ${e.message}. Settings에 올바른 키를 입력하세요(${KEYS}로 만듭니다).`,
    rate_limited: (e) => `이 키의 요청이 너무 많습니다. ${e.retryAfter ?? "잠시"}초 뒤에 다시 시도하세요.`,
    llm_unavailable: () =>
      "지금은 쓸 수 있는 언어 모델이 없고 로컬 엔진도 답하지 못했습니다. 명령을 바꿔 말하거나 로컬 엔진을 고르세요.",
    llm_timeout: () => "언어 모델이 제때 답하지 않았습니다. 다시 시도하거나 로컬 엔진을 고르세요.",
    llm_error: (e) => `언어 모델 API가 오류로 답했습니다: ${e.message}. 나중에 다시 시도하세요.`,
    llm_invalid_output: () => "언어 모델의 답을 올바른 SQL로 만들 수 없었습니다. 명령을 바꿔 말해 보세요.",
    invalid_request: (e) => `서비스가 요청을 거절했습니다${fieldsOf(e.details)}: ${e.message}`,
    payload_too_large: () => "계획이 너무 많아 한 번에 보낼 수 없습니다. 오래된 계획을 지우고 다시 시도하세요.",
    service_unavailable: (e) => `서비스가 지금은 처리할 수 없습니다: ${e.message}. 잠시 뒤에 다시 시도하세요.`,
    not_found: (e) => `서비스에 이 경로가 없습니다(${e.code}). 이 페이지가 Calendy Manager 서버와 연결되어 있나요?`,
    network: (e) => `서비스에 연결할 수 없습니다: ${e.message}`,
    other: (e) => `서비스가 ${e.status} ${e.code}로 답했습니다: ${e.message}`,
  },
};

/** What a person should read for an error of the service, in "en" or "ko". */
export function errorText(error, language = "en") {
  const texts = TEXTS[language] ?? TEXTS.en;
  const code = error.code === "method_not_allowed" ? "not_found" : error.code;
  return (Object.hasOwn(texts, code) ? texts[code] : texts.other)(error);
}
