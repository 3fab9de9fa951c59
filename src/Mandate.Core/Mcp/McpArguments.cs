using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Core.Approvals;

namespace Mandate.Core.Mcp;

/// <summary>
/// An MCP call's <c>params.arguments</c> read once: as expression values for the policy (integers as int, other numbers
/// as double, nested objects and arrays), as canonical JSON (keys sorted, no whitespace) and as its SHA-256. The
/// policy, the approval binding and the audit record all see the same value.
/// </summary>
internal sealed record McpArguments(IReadOnlyDictionary<string, object?> Values, string Canonical, string Hash)
{
    /// <summary>Deeper nesting than this is refused rather than evaluated.</summary>
    public const int MaxDepth = 32;

    /// <summary>Reads <paramref name="arguments"/> (undefined means an empty object), or says why it cannot be read.</summary>
    public static McpArguments? Read(JsonElement arguments, out string? problem)
    {
        problem = null;
        if (arguments.ValueKind == JsonValueKind.Undefined)
        {
            return From(new Dictionary<string, object?>());
        }

        if (arguments.ValueKind != JsonValueKind.Object)
        {
            problem = $"params.arguments must be a JSON object, found {arguments.ValueKind.ToString().ToLowerInvariant()}";
            return null;
        }

        try
        {
            return From((IReadOnlyDictionary<string, object?>)ToValue(arguments, 0)!);
        }
        catch (FormatException e)
        {
            problem = e.Message;
            return null;
        }
        catch (InvalidOperationException)
        {
            problem = "params.arguments holds a string with an unpaired surrogate; it is not Unicode text";
            return null;
        }
    }

    /// <summary>SHA-256 of the exact text, for arguments that could not be read (so the refusal is still attributable).</summary>
    public static string HashOfText(JsonElement arguments) =>
        Sha256(arguments.ValueKind == JsonValueKind.Undefined ? "{}" : arguments.GetRawText());

    private static McpArguments From(IReadOnlyDictionary<string, object?> values)
    {
        var canonical = ApprovalBinding.CanonicalJson(values);
        return new McpArguments(values, canonical, Sha256(canonical));
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static object? ToValue(JsonElement element, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"params.arguments is nested deeper than {MaxDepth} levels");
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                return integer;
            case JsonValueKind.Number when element.TryGetDouble(out var real) && double.IsFinite(real):
                return real;
            case JsonValueKind.Number:
                throw new FormatException("params.arguments holds a number out of range");
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(e => ToValue(e, depth + 1)).ToList();
            case JsonValueKind.Object:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    // Parsers disagree on which duplicate wins; the policy must judge what the server will act on.
                    if (!map.TryAdd(property.Name, ToValue(property.Value, depth + 1)))
                    {
                        throw new FormatException("params.arguments has a member name twice in one object");
                    }
                }

                return map;
            default:
                return null;
        }
    }
}
