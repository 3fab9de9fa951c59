using System.Text;

namespace Mandate.Fuzz.Generation;

/// <summary>
/// Byte- and character-level mutations of a valid seed: flips, random bytes, truncation, repetition,
/// splices of hostile tokens (huge numbers, percent escapes, controls, lone surrogates, invalid UTF-8).
/// Every choice comes from the caller's <see cref="Random"/>, so a case seed reproduces the input.
/// </summary>
internal static class Mutations
{
    /// <summary>Text an attacker likes to put where a parser expects something tame.</summary>
    public static readonly string[] HostileTokens =
    [
        "", "0", "-1", "-0", "1e309", "-1e309", "NaN", "Infinity", "1.7976931348623157e308", "4.9e-324",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "340282366920938463463374607431768211456", "0x7fffffff", "00000000000000000001", "1_000",
        "%", "%0", "%zz", "%00", "%0a%0d", "%C0%AF", "%FF", "%E2%80%AE", "%ED%A0%80", "+", "++", "&", "&&", "=", "==", ";",
        "\0", "\r\n", "\n", "\t", "\u0007", "\u001b[31m", "\u0085", "\u2028", "\u202e", "\ufeff", "\ufffd", "\uffff",
        "\ud800", "\udfff", "\ud83d\ude00", "é", "\u0130", "'", "\"", "\\", "\\u0000", "\\ud800", "/", "//", "..", "../",
        "{", "}", "[", "]", "{}", "[]", "[[[[[[[[", "]]]]]]]]", "null", "true", "false", ":", ",", ".", "...", "*", "&a", "*a",
        "!!binary", "!!python/object", "---", "...", "? ", "- ", "|", ">", "#", "~", "<<", "${x}", "{{x}}",
        "spiffe://", "spiffe://acme.example/", "spiffe://evil.example/agents/support", "https://", "http://127.0.0.1:8080/",
        "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:token-type:jwt", "eyJ", "eyJhbGciOiJub25lIn0",
    ];

    /// <summary>Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, out of range, truncated.</summary>
    public static readonly byte[][] InvalidUtf8 =
    [
        [0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xF5], [0xFF], [0xFE], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
    ];

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>Applies one to <paramref name="maxRounds"/> random mutations to <paramref name="text"/>.</summary>
    public static string MutateText(Random random, string text, int maxRounds = 4)
    {
        var builder = new StringBuilder(text);
        var rounds = random.Next(1, maxRounds + 1);
        for (var i = 0; i < rounds; i++)
        {
            MutateOnce(random, builder);
        }

        return builder.ToString();
    }

    /// <summary>Applies one to <paramref name="maxRounds"/> byte-level mutations, including invalid UTF-8.</summary>
    public static byte[] MutateBytes(Random random, byte[] bytes, int maxRounds = 4)
    {
        var list = new List<byte>(bytes);
        var rounds = random.Next(1, maxRounds + 1);
        for (var i = 0; i < rounds; i++)
        {
            var at = random.Next(list.Count + 1);
            switch (random.Next(9))
            {
                case 0 when list.Count > 0:
                    list[Math.Min(at, list.Count - 1)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when list.Count > 0:
                    list[Math.Min(at, list.Count - 1)] = (byte)random.Next(256);
                    break;
                case 2:
                    list.InsertRange(at, Pick(random, InvalidUtf8));
                    break;
                case 3:
                    list.InsertRange(at, Encoding.UTF8.GetBytes(Pick(random, HostileTokens)));
                    break;
                case 4 when list.Count > 0:
                    list.RemoveRange(at == list.Count ? at - 1 : at, 1);
                    break;
                case 5:
                    list.RemoveRange(at, list.Count - at);
                    break;
                case 6 when list.Count > 0:
                    var start = random.Next(list.Count);
                    var length = Math.Min(random.Next(1, 64), list.Count - start);
                    var slice = list.GetRange(start, length);
                    var times = random.Next(2, 200);
                    for (var t = 0; t < times; t++)
                    {
                        list.InsertRange(start, slice);
                    }

                    break;
                case 7:
                    list.Insert(at, (byte)random.Next(0, 0x20));
                    break;
                default:
                    var junk = new byte[random.Next(1, 32)];
                    random.NextBytes(junk);
                    list.InsertRange(at, junk);
                    break;
            }
        }

        return [.. list];
    }

    /// <summary>Pure random text: a mix of ASCII, controls, Latin-1, CJK and lone surrogates.</summary>
    public static string RandomText(Random random, int maxLength)
    {
        var chars = new char[random.Next(0, maxLength + 1)];
        var plane = random.Next(4);
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = plane switch
            {
                0 => (char)random.Next(0x20, 0x7F),
                1 => (char)random.Next(0, 0x100),
                2 => (char)random.Next(0, 0x3000),
                _ => (char)random.Next(0, 0x10000),
            };
        }

        return new string(chars);
    }

    public static byte[] RandomBytes(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(0, maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void MutateOnce(Random random, StringBuilder text)
    {
        var at = random.Next(text.Length + 1);
        switch (random.Next(9))
        {
            case 0 when text.Length > 0:
                var i = Math.Min(at, text.Length - 1);
                text[i] = (char)(text[i] ^ (1 << random.Next(7)));
                break;
            case 1 when text.Length > 0:
                text[Math.Min(at, text.Length - 1)] = (char)random.Next(0, 0x80);
                break;
            case 2:
                text.Insert(at, Pick(random, HostileTokens));
                break;
            case 3 when text.Length > 0:
                var from = Math.Min(at, text.Length - 1);
                text.Remove(from, Math.Min(random.Next(1, 16), text.Length - from));
                break;
            case 4:
                text.Length = at;
                break;
            case 5 when text.Length > 0:
                var start = random.Next(text.Length);
                var slice = text.ToString(start, Math.Min(random.Next(1, 64), text.Length - start));
                var times = random.Next(2, 200);
                for (var t = 0; t < times; t++)
                {
                    text.Insert(start, slice);
                }

                break;
            case 6:
                text.Insert(at, (char)random.Next(0, 0x20));
                break;
            case 7 when text.Length > 1:
                // Swap two characters: breaks structure while keeping the alphabet.
                var a = random.Next(text.Length);
                var b = random.Next(text.Length);
                (text[a], text[b]) = (text[b], text[a]);
                break;
            default:
                text.Insert(at, RandomText(random, 8));
                break;
        }
    }
}
