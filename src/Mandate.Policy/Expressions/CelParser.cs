namespace Mandate.Policy.Expressions;

/// <summary>
/// A Pratt parser for the CEL subset. Precedence, lowest first: <c>?:</c>, <c>||</c>, <c>&amp;&amp;</c>,
/// relations (<c>== != &lt; &lt;= &gt; &gt;= in</c>), <c>+ -</c>, <c>* / %</c>, unary <c>! -</c>, then
/// member selection, calls and indexing. Nesting is bounded so a hostile policy cannot exhaust the stack.
/// </summary>
internal sealed class CelParser
{
    /// <summary>Deepest nesting of sub-expressions accepted.</summary>
    public const int MaxNesting = 48;

    /// <summary>Longest expression accepted, in characters.</summary>
    public const int MaxLength = 8192;

    /// <summary>Deepest syntax tree accepted; bounds the recursion of the checker and the evaluator.</summary>
    public const int MaxTreeDepth = 128;

    private static readonly HashSet<string> Macros = new(StringComparer.Ordinal) { "exists", "all", "exists_one", "filter", "map" };
    private readonly List<CelToken> _tokens;
    private int _position;
    private int _depth;

    private CelParser(List<CelToken> tokens) => _tokens = tokens;

    public static CelNode Parse(string source)
    {
        if (source.Length > MaxLength)
        {
            throw new CelSyntaxException(0, $"the expression is longer than {MaxLength} characters; split the rule or simplify it");
        }

        var parser = new CelParser(new CelLexer(source).Tokenize());
        var node = parser.Expression(0);
        if (parser.Current.Kind != CelTokenKind.End)
        {
            throw new CelSyntaxException(parser.Current.Offset, $"unexpected '{parser.Current.Text}' after a complete expression");
        }

        // Left-associative chains (a + b + c ...) and member chains grow the tree without nesting; bound it too.
        if (CelNodes.Depth(node) > MaxTreeDepth)
        {
            throw new CelSyntaxException(0, $"the expression tree is deeper than {MaxTreeDepth} levels; split it up");
        }

        return node;
    }

    private CelToken Current => _tokens[_position];

    private static int Precedence(CelTokenKind kind) => kind switch
    {
        CelTokenKind.Question => 1,
        CelTokenKind.Or => 2,
        CelTokenKind.And => 3,
        CelTokenKind.Equal or CelTokenKind.NotEqual or CelTokenKind.Less or CelTokenKind.LessEqual
            or CelTokenKind.Greater or CelTokenKind.GreaterEqual or CelTokenKind.In => 4,
        CelTokenKind.Plus or CelTokenKind.Minus => 5,
        CelTokenKind.Star or CelTokenKind.Slash or CelTokenKind.Percent => 6,
        _ => 0,
    };

    private CelNode Expression(int minPrecedence)
    {
        Enter();
        var left = Unary();
        while (true)
        {
            var op = Current;
            var precedence = Precedence(op.Kind);
            if (precedence == 0 || precedence <= minPrecedence)
            {
                break;
            }

            _position++;
            if (op.Kind == CelTokenKind.Question)
            {
                // Right associative: a ? b : c ? d : e.
                var then = Expression(0);
                Expect(CelTokenKind.Colon, "':' of the conditional 'cond ? a : b'");
                var otherwise = Expression(precedence - 1);
                left = new CelConditional(op.Offset, left, then, otherwise);
                continue;
            }

            var right = Expression(precedence);
            left = new CelBinary(op.Offset, op.Kind, left, right);
        }

        _depth--;
        return left;
    }

    private CelNode Unary()
    {
        var token = Current;
        if (token.Kind == CelTokenKind.Minus && ReferenceEquals(_tokens[_position + 1].Value, CelLexer.NegatableOnly))
        {
            // CEL's grammar makes the sign part of an int literal, so the smallest int can be written.
            _position += 2;
            return Postfix(new CelLiteral(token.Offset, long.MinValue));
        }

        if (token.Kind is CelTokenKind.Not or CelTokenKind.Minus)
        {
            _position++;
            Enter();
            var operand = Unary();
            _depth--;
            if (token.Kind == CelTokenKind.Minus && operand is CelLiteral { Value: long l } && l != long.MinValue)
            {
                return new CelLiteral(token.Offset, -l);
            }

            if (token.Kind == CelTokenKind.Minus && operand is CelLiteral { Value: double d })
            {
                return new CelLiteral(token.Offset, -d);
            }

            return new CelUnary(token.Offset, token.Kind, operand);
        }

        return Postfix(Primary());
    }

    private CelNode Postfix(CelNode node)
    {
        while (true)
        {
            var token = Current;
            if (token.Kind == CelTokenKind.Dot)
            {
                _position++;
                var name = Expect(CelTokenKind.Identifier, "a field or method name after '.'");
                if (Current.Kind == CelTokenKind.LParen)
                {
                    _position++;
                    var args = Arguments();
                    node = Macros.Contains(name.Text) ? Macro(node, name, args) : new CelCall(name.Offset, node, name.Text, args);
                }
                else
                {
                    node = new CelSelect(name.Offset, node, name.Text);
                }
            }
            else if (token.Kind == CelTokenKind.LBracket)
            {
                _position++;
                var index = Expression(0);
                Expect(CelTokenKind.RBracket, "']' to close the index");
                node = new CelIndex(token.Offset, node, index);
            }
            else
            {
                return node;
            }
        }
    }

    private static CelComprehension Macro(CelNode range, CelToken name, List<CelNode> args)
    {
        if (args.Count != 2 || args[0] is not CelIdent variable)
        {
            throw new CelSyntaxException(name.Offset, $"{name.Text}() takes a variable name and an expression, e.g. list.{name.Text}(x, x > 0)");
        }

        return new CelComprehension(name.Offset, range, name.Text, variable.Name, args[1]);
    }

    private CelNode Primary()
    {
        var token = Current;
        _position++;
        switch (token.Kind)
        {
            case CelTokenKind.Int when ReferenceEquals(token.Value, CelLexer.NegatableOnly):
                throw new CelSyntaxException(token.Offset, $"integer '{token.Text}' does not fit in 64 bits");
            case CelTokenKind.Int:
            case CelTokenKind.Double:
            case CelTokenKind.String:
                return new CelLiteral(token.Offset, token.Value);
            case CelTokenKind.True:
                return new CelLiteral(token.Offset, true);
            case CelTokenKind.False:
                return new CelLiteral(token.Offset, false);
            case CelTokenKind.Null:
                return new CelLiteral(token.Offset, null);
            case CelTokenKind.Identifier:
                if (Current.Kind != CelTokenKind.LParen)
                {
                    return new CelIdent(token.Offset, token.Text);
                }

                _position++;
                var args = Arguments();
                if (token.Text == "has")
                {
                    if (args.Count != 1 || args[0] is not CelSelect select)
                    {
                        throw new CelSyntaxException(token.Offset, "has() takes one field selection, e.g. has(user.claims.tier)");
                    }

                    return select with { TestOnly = true };
                }

                return new CelCall(token.Offset, null, token.Text, args);
            case CelTokenKind.LParen:
                var inner = Expression(0);
                Expect(CelTokenKind.RParen, "')' to close '('");
                return inner;
            case CelTokenKind.LBracket:
                return new CelListLiteral(token.Offset, Items(CelTokenKind.RBracket, "']' to close the list"));
            case CelTokenKind.LBrace:
                return MapLiteral(token);
            case CelTokenKind.End:
                throw new CelSyntaxException(token.Offset, "the expression ends too early; an operand is missing");
            default:
                throw new CelSyntaxException(token.Offset, $"unexpected '{token.Text}'; expected a value, a name or '('");
        }
    }

    private CelMapLiteral MapLiteral(CelToken open)
    {
        var entries = new List<KeyValuePair<CelNode, CelNode>>();
        while (Current.Kind != CelTokenKind.RBrace)
        {
            var key = Expression(0);
            Expect(CelTokenKind.Colon, "':' between a map key and its value");
            entries.Add(new(key, Expression(0)));
            if (Current.Kind != CelTokenKind.Comma)
            {
                break;
            }

            _position++;
        }

        Expect(CelTokenKind.RBrace, "'}' to close the map");
        return new CelMapLiteral(open.Offset, entries);
    }

    private List<CelNode> Arguments() => Items(CelTokenKind.RParen, "')' to close the argument list");

    private List<CelNode> Items(CelTokenKind close, string closing)
    {
        var items = new List<CelNode>();
        while (Current.Kind != close)
        {
            items.Add(Expression(0));
            if (Current.Kind != CelTokenKind.Comma)
            {
                break;
            }

            _position++;
        }

        Expect(close, closing);
        return items;
    }

    private CelToken Expect(CelTokenKind kind, string what)
    {
        var token = Current;
        if (token.Kind != kind)
        {
            var found = token.Kind == CelTokenKind.End ? "the end of the expression" : $"'{token.Text}'";
            throw new CelSyntaxException(token.Offset, $"expected {what}, found {found}");
        }

        _position++;
        return token;
    }

    private void Enter()
    {
        if (++_depth > MaxNesting)
        {
            throw new CelSyntaxException(Current.Offset, $"the expression is nested more than {MaxNesting} levels deep; split it up");
        }
    }
}
