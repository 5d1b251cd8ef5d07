// Calling tokenmeter from a route: its coded errors become 400s with the
// field named as in the request body.
import { HttpError } from "./http.js";

export function tokenmeter(fn, mapField) {
  try {
    return fn();
  } catch (err) {
    if (err && typeof err.code === "string" && err.name === "TokenmeterError") {
      throw new HttpError(400, err.code, mapField(err.field ?? null), err.message);
    }
    throw err;
  }
}

/** `request.messages[0]` (preflight's name) is `messages[0]` in the body. */
export function requestField(field) {
  if (field === null || field === "request") return null;
  return field.startsWith("request.") ? field.slice("request.".length) : field;
}

export function responseField(field) {
  if (field === null || field === "body" || field === "response") return "response";
  return field.startsWith("body.") ? `response.${field.slice(5)}` : `response.${field}`;
}

export function trimField(field) {
  if (field === null) return null;
  if (field === "messages" || field.startsWith("messages[") || field.startsWith("messages.")) return field;
  if (field.startsWith("options.")) return field.slice("options.".length);
  return field;
}
