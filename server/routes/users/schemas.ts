import { Type } from '@sinclair/typebox';

export const UserParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2147483647, errorMessage: 'Mã tài khoản không hợp lệ.' }),
});

const roles = Type.Array(Type.String({ maxLength: 20 }), { maxItems: 10, errorMessage: 'Vai trò không hợp lệ.' });

export const CreateUserBody = Type.Object({
  username: Type.String({ maxLength: 100, errorMessage: 'Nhập tên đăng nhập.' }),
  fullName: Type.String({ maxLength: 200, errorMessage: 'Nhập họ và tên.' }),
  password: Type.String({ maxLength: 200, errorMessage: 'Nhập mật khẩu tạm.' }),
  roles: Type.Optional(roles),
});

export const UpdateUserBody = Type.Object({
  fullName: Type.String({ maxLength: 200, errorMessage: 'Nhập họ và tên.' }),
  roles: Type.Optional(roles),
});

export const ResetPasswordBody = Type.Object({
  password: Type.String({ maxLength: 200, errorMessage: 'Nhập mật khẩu tạm.' }),
});
