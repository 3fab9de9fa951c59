using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Http;

/// <summary>
/// RFC 9457 Problem Details with the refusing check's stable id as the extension member <c>check_id</c>, the
/// same member the OAuth error JSON carries. Used by the admin and workload sockets.
/// </summary>
public static class ProblemChecks
{
    /// <summary>The extension member's name.</summary>
    public const string Member = "check_id";

    /// <summary>A Problem Details result whose <c>check_id</c> is <paramref name="checkId"/>.</summary>
    public static IResult Problem(string checkId, string title, string detail, int status) =>
        Results.Problem(title: title, detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { [Member] = checkId });
}
