using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Policy.Expressions;

namespace Mandate.Core.Approvals;

/// <summary>
/// What an approval is bound to, hashed: agent, run (empty when the broker made one up for the request alone), tool,
/// scope, tenant, user and the canonical authorization_details (object keys sorted, no whitespace). Any difference, e.g. another refund amount,
/// gives another hash, so an approval can never be reused for a different tool call.
/// </summary>
public static class ApprovalBinding
{
    /// <summary>Canonical JSON of expression values (maps with sorted keys, lists in order).</summary>
    public static string CanonicalJson(IReadOnlyList<object?> details)
    {
        ArgumentNullException.ThrowIfNull(details);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, details);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Canonical JSON of one map of expression values (keys sorted, no whitespace), e.g. an MCP call's arguments.</summary>
    public static string CanonicalJson(IReadOnlyDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// What an approval of one MCP tools/call is bound to: the caller (agent, run, tenant, user), the server (Mandate
    /// tool), the MCP tool and the SHA-256 of its canonical arguments. A leading marker keeps it apart from every
    /// credential binding.
    /// </summary>
    public static string ToolCallHash(string agent, string run, string server, string tool, string argumentsHash, string tenant, string? user)
    {
        var text = string.Join('\u001f', "mcp_tool_call", agent, run, server, tool, argumentsHash, tenant, user ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public static string Hash(string agent, string run, string tool, string scope, string tenant, string? user, string canonicalDetails)
    {
        // Unit separators keep field boundaries unambiguous ("a" + "bc" differs from "ab" + "c").
        var text = string.Join('\u001f', agent, run, tool, scope, tenant, user ?? "", canonicalDetails);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The line an approver reads: who wants what, for whom, with which details (bounded length).</summary>
    public static string Message(string agent, string tool, string scope, string tenant, string? user, IReadOnlyList<object?> details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var who = user is null ? "background work" : $"user '{user}'";
        var text = $"agent '{agent}' requests {scope} on tool '{tool}' in tenant '{tenant}' for {who}";
        if (details.Count > 0)
        {
            text += ": " + string.Join("; ", details.Select(CelValues.Format));
        }

        return text.Length > 500 ? text[..497] + "…" : text;
    }

    /// <summary>Whether the poll's authorization_details (JSON) are, canonically, those the approval was asked with.</summary>
    internal static bool SameDetails(string json, Approval approval)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            return CelValues.FromJson(document.RootElement) is IReadOnlyList<object?> list
                && CanonicalJson(list) == approval.AuthorizationDetails;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The approval's canonical authorization_details as expression values, or null when there are none.</summary>
    internal static IReadOnlyList<object?>? ParseDetails(string json)
    {
        using var document = JsonDocument.Parse(json);
        return CelValues.FromJson(document.RootElement) as IReadOnlyList<object?> is { Count: > 0 } list ? list : null;
    }

    internal static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, item);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteStringValue(CelValues.Format(value));
                break;
        }
    }
}
