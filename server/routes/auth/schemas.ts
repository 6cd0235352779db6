import { Type } from '@sinclair/typebox';

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100, errorMessage: 'Nhập tên đăng nhập.' }),
  password: Type.String({ minLength: 1, maxLength: 200, errorMessage: 'Nhập mật khẩu.' }),
  next: Type.Optional(Type.String({ maxLength: 500 })),
});

export const LoginQuery = Type.Object({
  next: Type.Optional(Type.String({ maxLength: 500 })),
  out: Type.Optional(Type.String({ maxLength: 5 })),
});
