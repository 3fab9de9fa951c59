using System.Text;

namespace Mandate.Server.Proxy;

/// <summary>
/// Removes the injected secret from what goes back to the agent. Header values lose every occurrence; bodies
/// are masked byte for byte (same length, so Content-Length stays true) even across read boundaries, by
/// <see cref="ScrubbedBodyStream"/>.
/// </summary>
internal sealed class SecretScrubber
{
    public const string Redacted = "[redacted]";
    private readonly string? _secret;
    private readonly byte[] _secretBytes;

    public SecretScrubber(string? secret)
    {
        // Vaulted values are at least SecretVault.MinSecretBytes long (checked when set), so masking never hits ordinary text by chance.
        _secret = string.IsNullOrEmpty(secret) ? null : secret;
        _secretBytes = _secret is null ? [] : Encoding.UTF8.GetBytes(_secret);
    }

    public bool Active => _secret is not null;

    /// <summary>The secret's length in bytes (0 when inactive): the most a body relay ever holds back is one less.</summary>
    public int SecretBytes => _secretBytes.Length;

    public string Header(string value) =>
        _secret is not null && value.Contains(_secret, StringComparison.Ordinal) ? value.Replace(_secret, Redacted, StringComparison.Ordinal) : value;

    /// <summary>Overwrites every whole occurrence of the secret in <paramref name="data"/> with <c>*</c>.</summary>
    public void Mask(Span<byte> data)
    {
        if (!Active)
        {
            return;
        }

        int at;
        var from = 0;
        while ((at = data[from..].IndexOf(_secretBytes)) >= 0)
        {
            data.Slice(from + at, _secretBytes.Length).Fill((byte)'*');
            from += at + _secretBytes.Length;
        }
    }

    /// <summary>
    /// How many bytes at the end of <paramref name="data"/> could be the start of the secret (the longest such
    /// suffix, at most the secret's length minus one). Only these are held back until more arrives, so a relay
    /// never sits on a whole Server-Sent Event: an event ends in a blank line, and a secret holds no line break.
    /// </summary>
    public int PartialSecretAtEnd(ReadOnlySpan<byte> data)
    {
        if (!Active)
        {
            return 0;
        }

        var tail = data[Math.Max(0, data.Length - (_secretBytes.Length - 1))..];
        for (var start = tail.IndexOf(_secretBytes[0]); start >= 0;)
        {
            var candidate = tail[start..];
            if (_secretBytes.AsSpan().StartsWith(candidate))
            {
                return candidate.Length;
            }

            var next = candidate[1..].IndexOf(_secretBytes[0]);
            start = next < 0 ? -1 : start + 1 + next;
        }

        return 0;
    }
}
