// Requests of the console. The session token lives only in the HttpOnly cookie; every
// state-changing request carries the CSRF token from the login response or GET /console/session.

let csrfToken = "";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

async function parse(response) {
  if (response.status === 204) {
    return null;
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body?.error ?? {};
    throw new ApiError(response.status, error.code ?? "http_error",
      error.message ?? `the server answered ${response.status}`);
  }
  return body;
}

/// Sends a request to the server and returns the parsed JSON body; throws ApiError.
export async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    headers["X-CSRF-Token"] = csrfToken;
  }
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return parse(response);
}

export async function logIn(username, password) {
  const form = new URLSearchParams({ grant_type: "password", username, password });
  const response = await fetch("/console/session", { method: "POST", body: form, credentials: "same-origin" });
  const body = await parse(response);
  setCsrfToken(body.csrf_token);
  return body;
}

export async function loadSession() {
  const session = await request("GET", "/console/session");
  setCsrfToken(session.csrf_token);
  return session;
}

export function logOut() {
  return request("DELETE", "/console/session");
}

/// Returns null instead of throwing when the server has no such route (404), for panels whose
/// API another module of the server provides.
export async function requestOptional(method, path, body) {
  try {
    return await request(method, path, body);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.code !== "conversation_not_found") {
      return null;
    }
    throw error;
  }
}
