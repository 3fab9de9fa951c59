using System.Text;

namespace Mandate.Fuzz.Running;

/// <summary>One input that broke an oracle: enough to reproduce it (target and case seed) and to read it.</summary>
internal sealed record FuzzFinding(string Target, string Kind, int CaseSeed, string Input, string Detail)
{
    /// <summary>The input, escaped and cut to a readable size.</summary>
    public static string Excerpt(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Length > 400 ? text[..400] : text)
        {
            builder.Append(c is >= ' ' and < (char)0x7F ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return text.Length > 400 ? builder.Append($"… ({text.Length} chars)").ToString() : builder.ToString();
    }

    public static string Excerpt(byte[] bytes) =>
        Excerpt(Encoding.Latin1.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 400)))) + (bytes.Length > 400 ? $" ({bytes.Length} bytes)" : "");

    public override string ToString() =>
        $"[{Target}] {Kind} (case seed {CaseSeed})\n  input: {Input}\n  {Detail.Replace("\n", "\n  ", StringComparison.Ordinal)}";
}
