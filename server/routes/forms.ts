// HTML form helpers: schema errors become Vietnamese messages beside the fields; bad forms re-render with 422.
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
