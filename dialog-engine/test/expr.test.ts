import t from 'tap';
import { evaluate, evalBool, render, checkExpr, ExprError } from '../expr.ts';

t.test('arithmetic, comparison, logic, ternary, precedence', async (t) => {
  t.equal(evaluate('1 + 2 * 3', {}), 7);
  t.equal(evaluate('(1 + 2) * 3', {}), 9);
  t.equal(evaluate('10 % 4 - -1', {}), 3);
  t.equal(evaluate('a.b[1].c', { a: { b: [{ c: 1 }, { c: 'x' }] } }), 'x');
  t.equal(evaluate("a == 1 && b != 'z' || false", { a: 1, b: 'y' }), true);
  t.equal(evaluate("x > 2 ? 'big' : 'small'", { x: 3 }), 'big');
  t.equal(evaluate("'a' + 1 + 2", {}), 'a12');
  t.equal(evaluate('!missing', {}), true);
  t.equal(evaluate('1 / 0', {}), null, 'division by zero is null, not Infinity');
  t.equal(evaluate("'07' == 7", {}), true, 'numeric strings compare as numbers');
  t.equal(evaluate("'07' == '7'", {}), false, 'two strings compare as strings');
});

t.test('functions', async (t) => {
  t.equal(evaluate("spell('305')", {}), '3 0 5');
  t.equal(evaluate("len(lines)", { lines: [1, 2, 3] }), 3);
  t.equal(evaluate("sum(lines, 'qty')", { lines: [{ qty: 2 }, { qty: 5 }] }), 7);
  t.same(evaluate("field(r, 'code')", { r: [{ code: '1' }, { code: '2' }] }), ['1', '2']);
  t.same(evaluate('range(3)', {}), [0, 1, 2]);
  t.same(evaluate("list('a', 1)", {}), ['a', 1]);
  t.equal(evaluate("plural(1, 'line', 'lines')", {}), 'line');
  t.equal(evaluate("plural(5, 'строка', 'строки', 'строк')", {}), 'строк');
  t.equal(evaluate("plural(3, 'строка', 'строки', 'строк')", {}), 'строки');
  t.equal(evaluate("contains(list(1, 2), 2)", {}), true);
});

t.test('no way out of the sandbox', async (t) => {
  t.equal(evaluate('a.constructor', { a: {} }), null);
  t.equal(evaluate("a['__proto__']", { a: {} }), null);
  t.equal(evaluate('a.toString', { a: {} }), null, 'inherited members are invisible');
  t.equal(evaluate('constructor', {}), null);
  t.throws(() => checkExpr('eval(1)'), ExprError);
  t.throws(() => checkExpr('a = 1'), ExprError);
  t.throws(() => checkExpr('a; b'), ExprError);
  t.throws(() => checkExpr('"unterminated'), ExprError);
  t.throws(() => checkExpr('(((((((((((((((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))))))))))))))'), ExprError, 'depth is bounded');
  t.throws(() => checkExpr('1 +'), /unexpected end/);
  t.throws(() => checkExpr('x'.repeat(1001)), /longer than/);
});

t.test('templates', async (t) => {
  t.equal(render('Aisle {{ line.aisle }}, slot {{line.slot}}.', { line: { aisle: '12', slot: 4 } }), 'Aisle 12, slot 4.');
  t.equal(render('Hi {{ name }}', {}), 'Hi ', 'missing is empty');
  t.equal(evalBool('x', { x: 0 }), false);
});
