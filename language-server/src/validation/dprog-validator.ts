/**
 * Registers every check. Each concept has its own file in this folder exporting its checks and
 * issue codes ('<area>/<issue>'); this file only wires them to AST types.
 */
import type { ValidationChecks } from 'langium';
import type { DprogAstType } from '../generated/ast.js';
import type { DprogServices } from '../dprog-module.js';

export function registerValidationChecks(services: DprogServices): void {
    const registry = services.validation.ValidationRegistry;
    const checks: ValidationChecks<DprogAstType> = {};
    registry.register(checks);
}
