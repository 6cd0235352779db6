// Errors the app raises on purpose: each carries its HTTP status and a Vietnamese message for users.

/** Base class: an error whose message may be shown to the user as it is. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export class BadRequestError extends HttpError {
  constructor(message = 'Yêu cầu không hợp lệ.') {
    super(400, message);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'Bạn cần đăng nhập để tiếp tục.') {
    super(401, message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Bạn không có quyền thực hiện thao tác này.') {
    super(403, message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'Không tìm thấy trang hoặc dữ liệu yêu cầu.') {
    super(404, message);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(message = 'Bạn đã thử quá nhiều lần. Vui lòng đợi vài phút rồi thử lại.') {
    super(429, message);
  }
}

/** Field-level problems found by a service (e.g. a username already taken): the form re-renders with 422. */
export class ValidationError extends HttpError {
  constructor(readonly fieldErrors: Record<string, string>) {
    super(422, 'Dữ liệu nhập chưa hợp lệ. Vui lòng kiểm tra các ô được đánh dấu.');
  }
}
