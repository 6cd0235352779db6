import { Type } from '@sinclair/typebox';
import { agencyFields } from '../agency/schemas.ts';

export const SetupQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) });

export const SetupBody = Type.Object({
  token: Type.String({ maxLength: 200, errorMessage: 'Thiếu mã cài đặt.' }),
  username: Type.String({ maxLength: 100, errorMessage: 'Nhập tên đăng nhập.' }),
  fullName: Type.String({ maxLength: 200, errorMessage: 'Nhập họ và tên.' }),
  password: Type.String({ maxLength: 200, errorMessage: 'Nhập mật khẩu.' }),
  confirmPassword: Type.String({ maxLength: 200, errorMessage: 'Nhập lại mật khẩu.' }),
  ...agencyFields,
  loadDemo: Type.Optional(Type.String({ maxLength: 1 })),
});
