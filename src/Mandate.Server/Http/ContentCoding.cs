namespace Mandate.Server.Http;

/// <summary>Reads a <c>Content-Encoding</c> field (RFC 9110 §8.4): which bytes are not the representation itself.</summary>
public static class ContentCoding
{
    /// <summary>True when any listed coding is other than <c>identity</c>, in any of the field's lines.</summary>
    public static bool AnyBesidesIdentity(IEnumerable<string?> fieldValues)
    {
        ArgumentNullException.ThrowIfNull(fieldValues);
        foreach (var value in fieldValues)
        {
            foreach (var coding in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
