import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIB = join(ROOT, 'lib');

export interface EntrySurface {
  /** Every exported name. */
  names: string[];
  /** `name → referenced type` for types a public signature uses that no entry point exports. */
  unexported: string[];
  /** Exported names whose declaration has no JSDoc comment. */
  undocumented: string[];
}

function isInLib(declaration: ts.Declaration): boolean {
  const file = declaration.getSourceFile().fileName;
  return file.startsWith(`${LIB}/`) && !file.endsWith('.d.ts');
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);
}

function isDiConstructed(declaration: ts.ClassDeclaration): boolean {
  return (ts.getDecorators(declaration) ?? []).some((decorator) => {
    const call = decorator.expression;
    return ts.isCallExpression(call) && ts.isIdentifier(call.expression) && ['Injectable', 'Module', 'Catch'].includes(call.expression.text);
  });
}

/**
 * Reads the package's entry points the way a consumer's compiler does and lists, per entry, its
 * exports, the types its public signatures use that no entry exports, and the exports without
 * JSDoc. Private and protected members, and the constructors of classes Nest constructs, are not
 * part of the surface.
 */
export function readPublicSurface(entries: readonly string[]): Map<string, EntrySurface> {
  const files = entries.map((entry) => join(ROOT, entry));
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const resolve = (symbol: ts.Symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);

  const exportsOf = new Map<string, ts.Symbol[]>();
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    exportsOf.set(file, checker.getExportsOfModule(checker.getSymbolAtLocation(source)!));
  }
  const exported = new Set([...exportsOf.values()].flat().map(resolve));

  const surfaces = new Map<string, EntrySurface>();
  for (const [file, symbols] of exportsOf) {
    const unexported = new Set<string>();
    const undocumented: string[] = [];
    for (const alias of symbols) {
      const symbol = resolve(alias);
      const declarations = (symbol.declarations ?? []).filter(isInLib);
      if (declarations.length > 0 && !declarations.some((declaration) => ts.getJSDocCommentsAndTags(declaration).length > 0)) {
        undocumented.push(alias.name);
      }
      const check = (real: ts.Symbol): void => {
        if (real.flags & (ts.SymbolFlags.TypeParameter | ts.SymbolFlags.EnumMember | ts.SymbolFlags.Property | ts.SymbolFlags.Method)) return;
        if (!(real.flags & ts.SymbolFlags.Type) && real.flags & ts.SymbolFlags.Variable) {
          // `typeof value` or `extends value`: what consumers see is the value's type.
          const type = checker.getTypeOfSymbol(real);
          const named = type.aliasSymbol ?? type.getSymbol();
          if (named && named !== real) check(named);
          return;
        }
        if ((real.declarations ?? []).some(isInLib) && !exported.has(real)) unexported.add(`${alias.name} → ${real.name}`);
      };
      const seen = (node: ts.Node) => {
        const target = ts.isTypeReferenceNode(node)
          ? node.typeName
          : ts.isExpressionWithTypeArguments(node)
            ? node.expression
            : ts.isTypeQueryNode(node)
              ? node.exprName
              : null;
        if (target) {
          const referenced = checker.getSymbolAtLocation(target);
          if (referenced) check(resolve(referenced));
        }
        walk(node);
      };
      const walk = (node: ts.Node): void => {
        node.forEachChild((child) => {
          if (ts.isBlock(child) || ts.isDecorator(child)) return;
          if ((ts.isPropertyDeclaration(child) || ts.isMethodDeclaration(child) || ts.isGetAccessor(child) || ts.isParameter(child)) &&
              (hasModifier(child, ts.SyntaxKind.PrivateKeyword) || hasModifier(child, ts.SyntaxKind.ProtectedKeyword) || (child.name && ts.isPrivateIdentifier(child.name)))) {
            // A constructor's `private readonly x: T` is a parameter property: private too.
            return;
          }
          if (ts.isConstructorDeclaration(child) && (hasModifier(child, ts.SyntaxKind.PrivateKeyword) || (ts.isClassDeclaration(child.parent) && isDiConstructed(child.parent)))) return;
          // Initializers are implementation, except what fixes an unannotated variable's type.
          if ((ts.isPropertyDeclaration(child.parent) || ts.isParameter(child.parent)) && child === child.parent.initializer) return;
          seen(child);
        });
      };
      for (const declaration of declarations) {
        walk(declaration);
        // Signatures TypeScript infers (no annotation) are public too: check what they name.
        if ((ts.isFunctionDeclaration(declaration) || ts.isVariableDeclaration(declaration)) && !('type' in declaration && declaration.type)) {
          const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
          for (const signature of type.getCallSignatures()) {
            const named = signature.getReturnType().aliasSymbol ?? signature.getReturnType().getSymbol();
            if (named) check(named);
          }
        }
      }
    }
    surfaces.set(relative(ROOT, file), {
      names: symbols.map((symbol) => symbol.name).sort(),
      unexported: [...unexported].sort(),
      undocumented: undocumented.sort(),
    });
  }
  return surfaces;
}
