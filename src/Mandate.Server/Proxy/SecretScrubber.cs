using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Mandate.Server.Proxy;

/// <summary>
/// Removes the injected secret from what goes back to the agent: the secret as sent and as an upstream would echo it
/// inside JSON (escaped by System.Text.Json, with lowercase hex, or with <c>\/</c>) or a URL (percent-encoded, either
/// hex case). Header values lose every occurrence; bodies are masked byte for byte (same length, so Content-Length
/// stays true) even across read boundaries, by <see cref="ScrubbedBodyStream"/>.
/// </summary>
internal sealed class SecretScrubber
{
    public const string Redacted = "[redacted]";
    private static readonly SearchValues<char> UpperHex = SearchValues.Create("0123456789ABCDEF");
    private readonly string[] _forms;
    private readonly byte[][] _formBytes;

    public SecretScrubber(string? secret)
    {
        // Vaulted values are at least SecretVault.MinSecretBytes long (checked when set), so masking never hits ordinary text by chance.
        _forms = string.IsNullOrEmpty(secret) ? [] : EncodedForms(secret);
        _formBytes = [.. _forms.Select(Encoding.UTF8.GetBytes)];
    }

    public bool Active => _forms.Length > 0;

    /// <summary>The longest form's length in bytes (0 when inactive): the most a body relay ever holds back is one less.</summary>
    public int SecretBytes => _formBytes.Length == 0 ? 0 : _formBytes.Max(f => f.Length);

    public string Header(string value)
    {
        foreach (var form in _forms)
        {
            value = value.Replace(form, Redacted, StringComparison.Ordinal);
        }

        return value;
    }

    /// <summary>Overwrites every whole occurrence of the secret, in any of its forms, in <paramref name="data"/> with <c>*</c>.</summary>
    public void Mask(Span<byte> data)
    {
        foreach (var form in _formBytes)
        {
            int at;
            var from = 0;
            while ((at = data[from..].IndexOf(form)) >= 0)
            {
                data.Slice(from + at, form.Length).Fill((byte)'*');
                from += at + form.Length;
            }
        }
    }

    /// <summary>
    /// How many bytes at the end of <paramref name="data"/> could be the start of the secret (the longest such
    /// suffix, at most the secret's length minus one). Only these are held back until more arrives, so a relay
    /// never sits on a whole Server-Sent Event: an event ends in a blank line, and a secret holds no line break.
    /// </summary>
    public int PartialSecretAtEnd(ReadOnlySpan<byte> data)
    {
        var longest = 0;
        foreach (var form in _formBytes)
        {
            longest = Math.Max(longest, PartialAtEnd(data, form));
        }

        return longest;
    }

    /// <summary>
    /// The shortest start of a form of the secret (in bytes) that <see cref="MaskCutAtEnd"/> masks: half the form, rounded
    /// up, and at least 4. Shorter starts are relayed: ordinary text often ends in a few bytes that begin the secret.
    /// </summary>
    public static int MinCutBytes(int formBytes) => Math.Max(4, (formBytes + 1) / 2);

    /// <summary>
    /// At the end of a body: overwrites a tail that is the secret cut off (a start of one of its forms, at least
    /// <see cref="MinCutBytes"/> long) with <c>*</c>, as a whole occurrence would be (same length). An upstream that echoes
    /// the request would otherwise hand the agent most of the secret in a body that ends before the secret does.
    /// </summary>
    public void MaskCutAtEnd(Span<byte> data)
    {
        foreach (var form in _formBytes)
        {
            var cut = PartialAtEnd(data, form);
            if (cut >= MinCutBytes(form.Length))
            {
                data[^cut..].Fill((byte)'*');
            }
        }
    }

    private static int PartialAtEnd(ReadOnlySpan<byte> data, byte[] form)
    {
        var tail = data[Math.Max(0, data.Length - (form.Length - 1))..];
        for (var start = tail.IndexOf(form[0]); start >= 0;)
        {
            var candidate = tail[start..];
            if (form.AsSpan().StartsWith(candidate))
            {
                return candidate.Length;
            }

            var next = candidate[1..].IndexOf(form[0]);
            start = next < 0 ? -1 : start + 1 + next;
        }

        return 0;
    }

    private static string[] EncodedForms(string secret)
    {
        // Letters, digits and - . _ ~ are written as they are by every JSON and URL encoder: such a secret (a JWT, most
        // API keys) has one form, and the proxy builds its forms on every call.
        if (secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
        {
            return [secret];
        }

        var json = JsonEncodedText.Encode(secret).ToString();
        var relaxedJson = JsonEncodedText.Encode(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        var percent = Uri.EscapeDataString(secret);
        string[] forms =
        [
            secret, json, LowerHex(json, @"\u", 4), relaxedJson, relaxedJson.Replace("/", @"\/", StringComparison.Ordinal),
            percent, LowerHex(percent, "%", 2),
        ];
        return [.. forms.Distinct(StringComparer.Ordinal)];
    }

    // The same text with the hex digits of each escape (a marker, then that many of 0-9 A-F) in lower case, as other
    // encoders write them: \u002b, %2b.
    private static string LowerHex(string text, string marker, int digits)
    {
        var chars = text.ToCharArray();
        for (var at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at, StringComparison.Ordinal))
        {
            var hex = chars.AsSpan(at + marker.Length, Math.Min(digits, chars.Length - at - marker.Length));
            if (hex.Length == digits && !hex.ContainsAnyExcept(UpperHex))
            {
                for (var i = 0; i < digits; i++)
                {
                    hex[i] = char.ToLowerInvariant(hex[i]);
                }

                at += marker.Length + digits;
            }
            else
            {
                at++;
            }
        }

        return new string(chars);
    }
}
