using System.Globalization;
using System.Text;

namespace Mandate.Policy.Tests.Expressions.Conformance;

/// <summary>
/// One message of the protobuf text format: fields in file order, each a scalar (string, or the raw text
/// of a number or enum name) or a nested message. Repeated fields appear once per value.
/// </summary>
internal sealed class TextProtoMessage
{
    public List<(string Name, object Value)> Fields { get; } = [];

    public IEnumerable<TextProtoMessage> Messages(string name) =>
        Fields.Where(f => f.Name == name).Select(f => f.Value).OfType<TextProtoMessage>();

    public TextProtoMessage? Message(string name) => Messages(name).FirstOrDefault();

    public string? Scalar(string name) => Fields.Where(f => f.Name == name).Select(f => f.Value).OfType<string>().FirstOrDefault();

    public bool Has(string name) => Fields.Any(f => f.Name == name);
}

/// <summary>
/// A small reader for the subset of the protobuf text format the cel-spec conformance files use: comments,
/// <c>name: scalar</c>, <c>name { … }</c> / <c>name: { … }</c>, <c>[extension.name] { … }</c>, <c>name: [a, b]</c>,
/// C-style string escapes and adjacent string concatenation. Anything else is a parse error with its line.
/// </summary>
internal sealed class TextProto
{
    private readonly string _text;
    private int _position;

    private TextProto(string text) => _text = text;

    public static TextProtoMessage Parse(string text)
    {
        var reader = new TextProto(text);
        var message = reader.ReadFields(endsWithBrace: false);
        return message;
    }

    private TextProtoMessage ReadFields(bool endsWithBrace)
    {
        var message = new TextProtoMessage();
        while (true)
        {
            SkipSpace();
            if (_position >= _text.Length)
            {
                return endsWithBrace ? throw Error("missing '}'") : message;
            }

            if (_text[_position] == '}')
            {
                if (!endsWithBrace)
                {
                    throw Error("unexpected '}'");
                }

                _position++;
                return message;
            }

            var name = ReadName();
            SkipSpace();
            var colon = Peek() == ':';
            if (colon)
            {
                _position++;
                SkipSpace();
            }

            if (Peek() == '[' && colon)
            {
                _position++;
                while (true)
                {
                    SkipSpace();
                    if (Peek() == ']')
                    {
                        _position++;
                        break;
                    }

                    message.Fields.Add((name, ReadValue()));
                    SkipSpace();
                    if (Peek() == ',')
                    {
                        _position++;
                    }
                }
            }
            else
            {
                message.Fields.Add((name, ReadValue()));
            }

            SkipSpace();
            if (Peek() is ',' or ';')
            {
                _position++;
            }
        }
    }

    private object ReadValue()
    {
        if (Peek() == '{')
        {
            _position++;
            return ReadFields(endsWithBrace: true);
        }

        if (Peek() is '"' or '\'')
        {
            var bytes = new List<byte>();
            while (Peek() is '"' or '\'')
            {
                ReadQuoted(bytes);
                SkipSpace();
            }

            return Encoding.UTF8.GetString(bytes.ToArray());
        }

        var start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] is '-' or '+' or '.' or '_'))
        {
            _position++;
        }

        return _position > start ? _text[start.._position] : throw Error($"unexpected '{Peek()}'");
    }

    private string ReadName()
    {
        if (Peek() == '[')
        {
            var end = _text.IndexOf(']', _position);
            var name = end < 0 ? throw Error("missing ']'") : _text[_position..(end + 1)];
            _position = end + 1;
            return name;
        }

        var start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_'))
        {
            _position++;
        }

        return _position > start ? _text[start.._position] : throw Error($"expected a field name, found '{Peek()}'");
    }

    private void ReadQuoted(List<byte> bytes)
    {
        var quote = _text[_position++];
        while (true)
        {
            if (_position >= _text.Length || _text[_position] == '\n')
            {
                throw Error("unterminated string");
            }

            var c = _text[_position++];
            if (c == quote)
            {
                return;
            }

            if (c != '\\')
            {
                var length = char.IsHighSurrogate(c) ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(_text.Substring(_position - 1, length)));
                _position += length - 1;
                continue;
            }

            var e = _text[_position++];
            switch (e)
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'n': bytes.Add(10); break;
                case 'r': bytes.Add(13); break;
                case 't': bytes.Add(9); break;
                case 'v': bytes.Add(11); break;
                case '\\' or '\'' or '"' or '?': bytes.Add((byte)e); break;
                case 'x' or 'X':
                    bytes.Add((byte)ReadDigits(16, 1, 2));
                    break;
                case >= '0' and <= '7':
                    _position--;
                    bytes.Add((byte)ReadDigits(8, 1, 3));
                    break;
                case 'u':
                    bytes.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(ReadDigits(16, 4, 4))));
                    break;
                case 'U':
                    bytes.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(ReadDigits(16, 8, 8))));
                    break;
                default:
                    throw Error($"unknown escape '\\{e}'");
            }
        }
    }

    private int ReadDigits(int radix, int min, int max)
    {
        var start = _position;
        while (_position < _text.Length && _position - start < max && Uri.IsHexDigit(_text[_position])
               && (radix == 16 || _text[_position] is >= '0' and <= '7'))
        {
            _position++;
        }

        if (_position - start < min)
        {
            throw Error("bad escape");
        }

        var digits = _text[start.._position];
        return radix == 16 ? int.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) : Convert.ToInt32(digits, 8);
    }

    private void SkipSpace()
    {
        while (_position < _text.Length)
        {
            if (char.IsWhiteSpace(_text[_position]))
            {
                _position++;
            }
            else if (_text[_position] == '#')
            {
                while (_position < _text.Length && _text[_position] != '\n')
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

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private FormatException Error(string message)
    {
        var line = 1 + _text.AsSpan(0, Math.Min(_position, _text.Length)).Count('\n');
        return new FormatException($"line {line}: {message}");
    }
}
