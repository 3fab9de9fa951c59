using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;
using Utf8 = System.Text.Unicode.Utf8;

namespace Mandate.Server.Admin;

/// <summary>
/// The JSON body of an admin call, read strictly, as <see cref="AdminQuery"/> reads query strings: a body that is not
/// one JSON object, a member the call does not take (names are case-sensitive), a member given twice or a value of the
/// wrong type is refused with a Problem naming it (<c>admin.body_invalid</c>) before anything changes. A misspelt
/// <c>reason</c> must not vanish from the audit trail unnoticed. An empty body is no body: the calls whose members
/// are all optional (approve, deny, end a run) still take a bare POST.
/// </summary>
internal static class AdminBody
{
    /// <summary>Admin bodies are a few hundred bytes; this bounds what a mistaken upload makes the broker hold.</summary>
    public const int MaxBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>The body as <typeparamref name="T"/> (null when there is none), or the Problem that refuses it.</summary>
    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await ClientRequestBody.ReadBoundedAsync(request, MaxBytes, cancellationToken) is not { } body)
        {
            return (null, Invalid($"the body is larger than {MaxBytes} bytes", StatusCodes.Status413PayloadTooLarge));
        }

        if (body.Length == 0)
        {
            return (null, null);
        }

        if (!request.HasJsonContentType())
        {
            return (null, Invalid("send the body as Content-Type: application/json", StatusCodes.Status415UnsupportedMediaType));
        }

        if (!Utf8.IsValid(body))
        {
            return (null, Invalid("the body is not valid UTF-8"));
        }

        var type = Options.GetTypeInfo(typeof(T));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, Invalid($"the body is not valid JSON: {e.Message}"));
        }

        using (document)
        {
            if (MemberProblem(document.RootElement, type) is { } problem)
            {
                return (null, Invalid(problem));
            }

            try
            {
                return (document.RootElement.Deserialize<T>(Options), null);
            }
            catch (JsonException e)
            {
                return (null, Invalid(WrongValue(e.Path, type, document.RootElement)));
            }
        }
    }

    private static string? MemberProblem(JsonElement root, JsonTypeInfo type)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return $"the body must be a JSON object with the members {Members(type)}";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in root.EnumerateObject())
        {
            var name = NameOf(member);
            var known = type.Properties.FirstOrDefault(p => p.Name == name);
            if (known is null)
            {
                var raw = Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8PropertyName(member));
                return $"unknown member '{AdminQuery.Shown(raw)}'; this call takes {Members(type)}";
            }

            if (!seen.Add(known.Name))
            {
                return $"'{known.Name}' is given twice; give it once";
            }
        }

        return null;
    }

    // The member's name as text, or null when its escapes do not decode to text (a lone surrogate): the reader throws then.
    private static string? NameOf(JsonProperty member)
    {
        try
        {
            return member.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    // The serializer names the member it failed on; its value is either of another JSON type or a string that is not text.
    private static string WrongValue(string? path, JsonTypeInfo type, JsonElement root)
    {
        var name = path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('[')[0] : null;
        var property = type.Properties.FirstOrDefault(p => p.Name == name);
        if (property is null)
        {
            return "a member has a value of the wrong JSON type";
        }

        var value = root.GetProperty(property.Name);
        var shapeFits = property.PropertyType == typeof(string)
            ? value.ValueKind == JsonValueKind.String
            : value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String);
        return shapeFits
            ? $"'{property.Name}' is not valid text: it escapes a lone surrogate"
            : $"'{property.Name}' must be {Expected(property.PropertyType)}";
    }

    private static string Expected(Type type) =>
        type == typeof(string) ? "a string (or null)" : typeof(IEnumerable<string>).IsAssignableFrom(type) ? "an array of strings (or null)" : "of another JSON type";

    private static string Members(JsonTypeInfo type) => string.Join(", ", type.Properties.Select(p => p.Name));

    private static IResult Invalid(string detail, int status = StatusCodes.Status400BadRequest) =>
        ProblemChecks.Problem(AdminChecks.BodyInvalid, "invalid request body", detail, status);
}
