using System.Globalization;
using System.Text;

namespace Mandate.Policy.Expressions;

/// <summary>
/// Splits an expression into tokens. Follows CEL's lexical rules for the subset Mandate supports:
/// decimal and hex ints, doubles with fraction or exponent, single- or double-quoted strings with the
/// usual escapes, raw strings (<c>r"..."</c>), identifiers, and the operators of the grammar.
/// </summary>
internal sealed partial class CelLexer
{
    private readonly string _source;
    private int _position;

    public CelLexer(string source) => _source = source;

    public List<CelToken> Tokenize()
    {
        var tokens = new List<CelToken>();
        while (true)
        {
            var token = Next();
            tokens.Add(token);
            if (token.Kind == CelTokenKind.End)
            {
                return tokens;
            }
        }
    }

    private CelToken Next()
    {
        SkipSpaceAndComments();
        if (_position >= _source.Length)
        {
            return new CelToken(CelTokenKind.End, _source.Length, string.Empty);
        }

        var start = _position;
        var c = _source[_position];
        if (char.IsAsciiDigit(c) || (c == '.' && Peek(1) is >= '0' and <= '9'))
        {
            return Number(start);
        }

        if ((c is 'r' or 'R') && Peek(1) is '"' or '\'')
        {
            _position++;
            return String(start, raw: true);
        }

        if (c is '"' or '\'')
        {
            return String(start, raw: false);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (_position < _source.Length && (char.IsAsciiLetterOrDigit(_source[_position]) || _source[_position] == '_'))
            {
                _position++;
            }

            var text = _source[start.._position];
            var kind = text switch
            {
                "true" => CelTokenKind.True,
                "false" => CelTokenKind.False,
                "null" => CelTokenKind.Null,
                "in" => CelTokenKind.In,
                _ => CelTokenKind.Identifier,
            };
            return new CelToken(kind, start, text, text);
        }

        var two = _position + 1 < _source.Length ? _source.Substring(_position, 2) : string.Empty;
        CelTokenKind? pair = two switch
        {
            "==" => CelTokenKind.Equal,
            "!=" => CelTokenKind.NotEqual,
            "<=" => CelTokenKind.LessEqual,
            ">=" => CelTokenKind.GreaterEqual,
            "&&" => CelTokenKind.And,
            "||" => CelTokenKind.Or,
            _ => null,
        };
        if (pair is { } p)
        {
            _position += 2;
            return new CelToken(p, start, two);
        }

        CelTokenKind? single = c switch
        {
            '(' => CelTokenKind.LParen,
            ')' => CelTokenKind.RParen,
            '[' => CelTokenKind.LBracket,
            ']' => CelTokenKind.RBracket,
            '{' => CelTokenKind.LBrace,
            '}' => CelTokenKind.RBrace,
            '.' => CelTokenKind.Dot,
            ',' => CelTokenKind.Comma,
            ':' => CelTokenKind.Colon,
            '?' => CelTokenKind.Question,
            '!' => CelTokenKind.Not,
            '-' => CelTokenKind.Minus,
            '+' => CelTokenKind.Plus,
            '*' => CelTokenKind.Star,
            '/' => CelTokenKind.Slash,
            '%' => CelTokenKind.Percent,
            '<' => CelTokenKind.Less,
            '>' => CelTokenKind.Greater,
            _ => null,
        };
        if (single is { } s)
        {
            _position++;
            return new CelToken(s, start, c.ToString());
        }

        var hint = c switch
        {
            '=' => "; compare with '=='",
            '&' => "; write '&&' for logical and",
            '|' => "; write '||' for logical or",
            _ => string.Empty,
        };
        throw new CelSyntaxException(start, $"unexpected character '{Printable(c)}'{hint}");
    }

    private void SkipSpaceAndComments()
    {
        while (_position < _source.Length)
        {
            var c = _source[_position];
            if (c is ' ' or '\t' or '\r' or '\n' or '\f')
            {
                _position++;
            }
            else if (c == '/' && Peek(1) == '/')
            {
                while (_position < _source.Length && _source[_position] != '\n')
                {
                    _position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>The value of the int literal 9223372036854775808, which is valid only as <c>-9223372036854775808</c>.</summary>
    public static readonly object NegatableOnly = 9_223_372_036_854_775_808UL;

    private char? Peek(int ahead) => _position + ahead < _source.Length ? _source[_position + ahead] : null;

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
}
