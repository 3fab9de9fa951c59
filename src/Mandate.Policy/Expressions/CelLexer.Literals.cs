using System.Globalization;
using System.Text;

namespace Mandate.Policy.Expressions;

/// <summary>Number and string literals: CEL's int, double and string forms, escapes and raw strings.</summary>
internal sealed partial class CelLexer
{
    private CelToken Number(int start)
    {
        if (_source[_position] == '0' && Peek(1) is 'x' or 'X')
        {
            _position += 2;
            var digitsStart = _position;
            while (_position < _source.Length && char.IsAsciiHexDigit(_source[_position]))
            {
                _position++;
            }

            var hex = _source[digitsStart.._position];
            if (hex.Length == 0 || !long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hv) || hv < 0)
            {
                throw new CelSyntaxException(start, $"'{_source[start.._position]}' is not a valid 64-bit hex integer");
            }

            return new CelToken(CelTokenKind.Int, start, _source[start.._position], hv);
        }

        var isDouble = false;
        SkipDigits();
        if (_position < _source.Length && _source[_position] == '.' && Peek(1) is >= '0' and <= '9')
        {
            isDouble = true;
            _position++;
            SkipDigits();
        }

        if (_position < _source.Length && _source[_position] is 'e' or 'E')
        {
            var save = _position;
            _position++;
            if (_position < _source.Length && _source[_position] is '+' or '-')
            {
                _position++;
            }

            if (_position < _source.Length && char.IsAsciiDigit(_source[_position]))
            {
                isDouble = true;
                SkipDigits();
            }
            else
            {
                _position = save;
            }
        }

        var text = _source[start.._position];
        if (isDouble)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsInfinity(d))
            {
                throw new CelSyntaxException(start, $"'{text}' is not a valid number");
            }

            return new CelToken(CelTokenKind.Double, start, text, d);
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            // 2^63 is only valid negated (the smallest int); the parser checks that it follows a '-'.
            return text.TrimStart('0') == "9223372036854775808"
                ? new CelToken(CelTokenKind.Int, start, text, NegatableOnly)
                : throw new CelSyntaxException(start, $"integer '{text}' does not fit in 64 bits");
        }

        return new CelToken(CelTokenKind.Int, start, text, value);
    }

    private void SkipDigits()
    {
        while (_position < _source.Length && char.IsAsciiDigit(_source[_position]))
        {
            _position++;
        }
    }

    private CelToken String(int start, bool raw)
    {
        var quote = _source[_position];
        _position++;
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _source.Length || _source[_position] is '\n' or '\r')
            {
                throw new CelSyntaxException(start, $"string is not closed; end it with {quote}");
            }

            var c = _source[_position];
            if (c == quote)
            {
                _position++;
                return new CelToken(CelTokenKind.String, start, _source[start.._position], value.ToString());
            }

            if (c == '\\' && !raw)
            {
                value.Append(Escape());
                continue;
            }

            value.Append(c);
            _position++;
        }
    }

    private string Escape()
    {
        var at = _position;
        _position++;
        if (_position >= _source.Length)
        {
            throw new CelSyntaxException(at, "string ends inside an escape sequence");
        }

        var c = _source[_position++];
        switch (c)
        {
            case 'n': return "\n";
            case 't': return "\t";
            case 'r': return "\r";
            case '\\': return "\\";
            case '"': return "\"";
            case '\'': return "'";
            case '`': return "`";
            case '?': return "?";
            case 'a': return "\a";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'v': return "\v";
            case 'u':
            case 'U':
            case 'x':
                var length = c switch { 'u' => 4, 'U' => 8, _ => 2 };
                if (_position + length > _source.Length
                    || !int.TryParse(_source.AsSpan(_position, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                    || code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
                {
                    throw new CelSyntaxException(at, $"'\\{c}' must be followed by {length} hex digits naming a Unicode scalar value");
                }

                _position += length;
                return char.ConvertFromUtf32(code);
            default:
                throw new CelSyntaxException(at, $"unknown escape sequence '\\{Printable(c)}'");
        }
    }
}
