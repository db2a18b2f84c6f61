import { ApiOperation } from '@nestjs/swagger';

/**
 * Fixes a route's OpenAPI operation id, which otherwise is `<ControllerClass>_<method>`: clients generated from
 * the document name their calls by it, so it must not change when a route moves to another controller. Only the
 * id is set; a summary given with `@ApiOperation` stays.
 */
export function OperationId(operationId: string): MethodDecorator {
  return ApiOperation({ operationId, summary: undefined });
}
