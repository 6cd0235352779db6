import { Type } from '@sinclair/typebox';

export const ChangePasswordBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 200, errorMessage: 'Nhập mật khẩu hiện tại.' }),
  newPassword: Type.String({ minLength: 1, maxLength: 200, errorMessage: 'Nhập mật khẩu mới.' }),
  confirmPassword: Type.String({ minLength: 1, maxLength: 200, errorMessage: 'Nhập lại mật khẩu mới.' }),
});
