import { ID_PATTERN } from '@app/contracts';
import { BadRequestException, Param, PipeTransform } from '@nestjs/common';

/** Refuses a path id that is not an id before anything reads it (SQL, traversal, unicode, size). */
class IdPipe implements PipeTransform<unknown, string> {
  constructor(private readonly name: string) {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !ID_PATTERN.test(value))
      throw new BadRequestException({
        code: 'INVALID_ID',
        message: `${this.name} must be an id ([A-Za-z0-9_-]{1,64})`,
      });
    return value;
  }
}

/** `@IdParam('orderId') orderId: string`: a path parameter that must be an id (400 INVALID_ID). */
export const IdParam = (name: string): ParameterDecorator => Param(name, new IdPipe(name));
