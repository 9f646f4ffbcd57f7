import { Type } from 'typebox';
import { ErrorCodes } from '../../shared/errors';

/** OpenAPI description of our one error shape. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(ErrorCodes),
      message: Type.String(),
    }),
  },
  { $id: 'ErrorResponse' },
);

export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('ErrorResponse')]));

export const bearer = [{ bearerAuth: [] }];
