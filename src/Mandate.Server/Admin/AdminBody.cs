using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

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
        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }

        // A body without a length (chunked) that grows over the limit is cut off by Kestrel while it is read.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes;
        }

        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }

        if (buffer.Length == 0)
        {
            return (null, null);
        }

        if (!request.HasJsonContentType())
        {
            return (null, Invalid("send the body as Content-Type: application/json", StatusCodes.Status415UnsupportedMediaType));
        }

        var type = Options.GetTypeInfo(typeof(T));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
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
                return (null, Invalid(WrongType(e.Path, type)));
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
            if (!type.Properties.Any(p => p.Name == member.Name))
            {
                return $"unknown member '{AdminQuery.Shown(member.Name)}'; this call takes {Members(type)}";
            }

            if (!seen.Add(member.Name))
            {
                return $"'{member.Name}' is given twice; give it once";
            }
        }

        return null;
    }

    private static string WrongType(string? path, JsonTypeInfo type)
    {
        var name = path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('[')[0] : null;
        var property = type.Properties.FirstOrDefault(p => p.Name == name);
        return property is null
            ? "a member has a value of the wrong JSON type"
            : $"'{property.Name}' must be {Expected(property.PropertyType)}";
    }

    private static string Expected(Type type) =>
        type == typeof(string) ? "a string (or null)" : typeof(IEnumerable<string>).IsAssignableFrom(type) ? "an array of strings (or null)" : "of another JSON type";

    private static string Members(JsonTypeInfo type) => string.Join(", ", type.Properties.Select(p => p.Name));

    private static IResult TooLarge() => Invalid($"the body is larger than {MaxBytes} bytes", StatusCodes.Status413PayloadTooLarge);

    private static IResult Invalid(string detail, int status = StatusCodes.Status400BadRequest) =>
        ProblemChecks.Problem(AdminChecks.BodyInvalid, "invalid request body", detail, status);
}
