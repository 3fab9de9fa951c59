using System.Text;

namespace Mandate.Testing;

/// <summary>
/// Seeded hostile text for the places a client's input could reach an error: quotes, backslashes, commas and
/// equals signs that break a WWW-Authenticate quoted-string, CR/LF and other controls, typography outside
/// RFC 6749 §5.2's set, accented letters, emoji and a random tail. Every value carries <see cref="Marker"/>
/// plus a counter, so a test can tell whether the value was echoed back.
/// </summary>
public sealed class HostileText(int seed)
{
    /// <summary>Starts every generated value; never part of a server's own text.</summary>
    public const string Marker = "zqx";

    private static readonly string[] Pieces =
    [
        "\"", "\\", "a\"b\\", "\",error=\"x", "été", "§", "…", "—", "\u2028", "😀", "\r\n", "\n", "\u0001", "\u001b[31m", "\u007f",
        "%22", "'", "<script>", "=", "&", ",", ";", " ", "\t", "ü", "中文", "\u00a0", "\u200b", "realm=\"evil\"",
    ];

    private static readonly string[] AsciiPieces = ["\"", "\\", "a\"b\\", "\",error=\"x", "'", "=", ",", ";", " ", "\t", "%22", "<x>", "realm=\"evil\""];

    private readonly Random _random = new(seed);
    private int _count;

    /// <summary>Any text: the marker, then hostile pieces and random characters from the whole Basic Multilingual Plane.</summary>
    public string Next() => Build(Pieces, () => (char)_random.Next(0x20, 0xD7FF));

    /// <summary>Text an HTTP header can carry (visible ASCII, space and tab): quotes, backslashes and separators.</summary>
    public string NextAscii() => Build(AsciiPieces, () => (char)_random.Next(0x21, 0x7F));

    /// <summary>One of <paramref name="choices"/>.</summary>
    public T Pick<T>(IReadOnlyList<T> choices) => choices[_random.Next(choices.Count)];

    public int Next(int max) => _random.Next(max);

    private string Build(string[] pieces, Func<char> randomChar)
    {
        var text = new StringBuilder(Marker).Append(_count++);
        var parts = _random.Next(1, 6);
        for (var i = 0; i < parts; i++)
        {
            if (_random.Next(3) == 0)
            {
                text.Append(randomChar());
            }
            else
            {
                text.Append(pieces[_random.Next(pieces.Length)]);
            }
        }

        return text.ToString();
    }
}
