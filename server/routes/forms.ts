// HTML form helpers: schema errors become Vietnamese messages beside the fields; bad forms re-render with 422.
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../errors.ts';

interface SchemaError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns the schema validator's errors into one message per form field. */
export function fieldErrorsFrom(errors: readonly SchemaError[] | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const error of errors ?? []) {
    const field =
      error.keyword === 'required'
        ? String(error.params.missingProperty ?? '')
        : (error.instancePath.split('/')[1] ?? '');
    if (!field || fields[field]) continue;
    fields[field] =
      error.keyword === 'errorMessage' && error.message
        ? error.message
        : error.keyword === 'required'
          ? 'Vui lòng nhập ô này.'
          : 'Giá trị không hợp lệ.';
  }
  return fields;
}

/** The request's schema errors as a ValidationError, or undefined when the body passed. */
export function validationErrorOf(request: FastifyRequest): ValidationError | undefined {
  const failure = request.validationError as { validation?: SchemaError[] } | undefined;
  if (!failure) return undefined;
  const fields = fieldErrorsFrom(failure.validation);
  return new ValidationError(Object.keys(fields).length > 0 ? fields : { _form: 'Biểu mẫu gửi lên không hợp lệ.' });
}

/** Renders a form page again with the values typed and a message per field, status 422. */
export function renderFormErrors(
  reply: FastifyReply,
  page: string,
  data: Record<string, unknown>,
  error: ValidationError,
): FastifyReply {
  if (!reply.locals.csrfToken) reply.locals.csrfToken = reply.generateCsrf();
  return reply.code(422).view(page, { ...data, errors: error.fieldErrors, formError: error.message });
}

/** A string field of an untrusted body, '' when absent or not a string. */
export function text(body: unknown, key: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[key];
  return typeof value === 'string' ? value : '';
}

/** A body schema of optional text fields (and arrays of text) whose rules live in the services. */
export function textFields(names: string[], arrays: string[] = []) {
  return Type.Object(
    {
      ...Object.fromEntries(names.map((n) => [n, Type.Optional(Type.String({ maxLength: 5000, errorMessage: 'Nội dung quá dài.' }))])),
      ...Object.fromEntries(
        arrays.map((n) => [n, Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 2000, errorMessage: 'Lựa chọn không hợp lệ.' }))]),
      ),
    },
    { additionalProperties: Type.String({ maxLength: 5000 }) },
  );
}

/** The string values of named fields of an untrusted body ('' when absent). */
export function textsOf<K extends string>(body: unknown, names: readonly K[]): Record<K, string> {
  return Object.fromEntries(names.map((name) => [name, text(body, name)])) as Record<K, string>;
}

/** A repeated field (checkboxes) of an untrusted body as a list of strings. */
export function listOf(body: unknown, key: string): string[] {
  const value = (body as Record<string, unknown> | null | undefined)?.[key];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

/**
 * The post/redirect/get of every form: schema errors and service ValidationErrors re-render the page with 422,
 * success flashes a message and redirects with 303 to where `action` says.
 */
export async function submitForm(
  request: FastifyRequest,
  reply: FastifyReply,
  form: { page: string; data: () => Promise<Record<string, unknown>> | Record<string, unknown>; action: () => Promise<string>; success: string },
): Promise<FastifyReply> {
  let location: string;
  try {
    const invalid = validationErrorOf(request);
    if (invalid) throw invalid;
    location = await form.action();
  } catch (error) {
    if (error instanceof ValidationError) return renderFormErrors(reply, form.page, await form.data(), error);
    throw error;
  }
  reply.flash('success', form.success);
  return reply.redirect(location, 303);
}
