using System.Text;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Policy.Expressions;

namespace Mandate.Core.AuthorizationDetails;

/// <summary>
/// Validates the <c>authorization_details</c> request parameter (RFC 9396 §2): a JSON array of objects, each
/// with a <c>type</c> the tool declares and exactly the declared fields, of the declared kinds.
/// </summary>
public static class AuthorizationDetailsParser
{
    /// <summary>Most detail objects accepted in one request.</summary>
    public const int MaxItems = 16;

    /// <summary>Longest parameter accepted, in characters.</summary>
    public const int MaxLength = 8 * 1024;

    private const string UnpairedSurrogate = "authorization_details holds a string with an unpaired surrogate escape; send valid Unicode text (RFC 8259 §8.2)";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses and validates; returns the details as expression values, or the problem to report.</summary>
    public static (IReadOnlyList<object?>? Details, string? Error) Parse(string json, ToolOptions tool)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(tool);
        if (json.Length > MaxLength)
        {
            return (null, $"authorization_details is longer than {MaxLength} characters");
        }

        JsonDocument document;
        try
        {
            // RFC 8259 §8.1: JSON text is UTF-8. Text with a lone surrogate has no UTF-8 form; encoding it strictly
            // here refuses it now, where the JSON reader would throw later while reading the string. RFC 8259 §4: with a
            // member given twice ("amount": 10, then 5000) readers disagree on the value; RFC 7493 §2.3 forbids it.
            document = JsonDocument.Parse(StrictUtf8.GetBytes(json), new JsonDocumentOptions { MaxDepth = 4, AllowDuplicateProperties = false });
        }
        catch (Exception e) when (e is JsonException or EncoderFallbackException)
        {
            return (null, "authorization_details must be a JSON array of objects, each with a 'type' and each member given once (RFC 9396 section 2, RFC 8259 section 4)");
        }
        catch (InvalidOperationException)
        {
            // The duplicate-member check reads each member name; one escaping an unpaired surrogate ("amount\ud800") throws there.
            return (null, UnpairedSurrogate);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() is 0 or > MaxItems)
            {
                return (null, $"authorization_details must be a JSON array of 1 to {MaxItems} objects (RFC 9396 section 2)");
            }

            var details = new List<object?>();
            var index = 0;
            try
            {
                foreach (var item in root.EnumerateArray())
                {
                    var error = Check(item, index, tool);
                    if (error is not null)
                    {
                        return (null, error);
                    }

                    details.Add(CelValues.FromJson(item));
                    index++;
                }
            }
            catch (InvalidOperationException)
            {
                // RFC 8259 §8.2: an escaped unpaired surrogate ("\ud800") is no Unicode string; the reader throws on reading it.
                return (null, UnpairedSurrogate);
            }

            return (details, null);
        }
    }

    private static string? Check(JsonElement item, int index, ToolOptions tool)
    {
        var at = $"authorization_details[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
        {
            return $"{at} must be an object";
        }

        // RFC 9396 §2: type is REQUIRED and identifies the schema of the object.
        if (!item.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            return $"{at} needs a string 'type'";
        }

        var typeName = typeElement.GetString()!;
        var declared = tool.AuthorizationDetailsTypes.FirstOrDefault(t => t.Type == typeName);
        if (declared is null)
        {
            var known = tool.AuthorizationDetailsTypes.Count == 0 ? "none" : string.Join(", ", tool.AuthorizationDetailsTypes.Select(t => t.Type));
            return $"{at} has a type which tool '{tool.Name}' does not accept (it accepts {known}; see tools[].authorization_details_types)";
        }

        foreach (var property in item.EnumerateObject())
        {
            if (property.Name == "type")
            {
                continue;
            }

            if (!declared.Fields.TryGetValue(property.Name, out var field))
            {
                return $"{at} has a field which type '{typeName}' does not declare (it declares {string.Join(", ", declared.Fields.Keys)})";
            }

            var ok = field.Kind switch
            {
                DetailFieldKind.Text => property.Value.ValueKind == JsonValueKind.String,
                DetailFieldKind.Number => property.Value.ValueKind == JsonValueKind.Number,
                _ => property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            };
            if (!ok)
            {
                return $"{at}.{property.Name} must be a {field.Kind switch { DetailFieldKind.Text => "string", DetailFieldKind.Number => "number", _ => "bool" }}";
            }

            // RFC 8259 §6: numbers beyond IEEE 754 double do not interoperate (1e999 would be infinity in the credential).
            if (field.Kind == DetailFieldKind.Number && !(property.Value.TryGetDouble(out var number) && double.IsFinite(number)))
            {
                return $"{at}.{property.Name} must be a number within the range of a double (RFC 8259 section 6)";
            }
        }

        var missing = declared.Fields.Where(f => f.Value.Required && !item.TryGetProperty(f.Key, out _)).Select(f => f.Key).ToList();
        return missing.Count > 0 ? $"{at} (type '{typeName}') is missing required field(s) {string.Join(", ", missing)}" : null;
    }
}
