namespace Mandate.Client;

/// <summary>
/// The broker refused: carries the OAuth <c>error</c>, the <c>error_description</c> that says which rule refused and
/// how to fix it, and the stable <c>check_id</c> of the check that refused. Switch on <see cref="CheckId"/> (or
/// <see cref="Error"/>), never on the description's wording.
/// </summary>
public class MandateErrorException : Exception
{
    /// <summary>A refusal with its OAuth error code, description and HTTP status.</summary>
    public MandateErrorException(string error, string description, int status)
        : this(error, description, status, null)
    {
    }

    /// <summary>A refusal with its OAuth error code, description, HTTP status and the refusing check's id.</summary>
    public MandateErrorException(string error, string description, int status, string? checkId)
        : base($"{error}: {description}")
    {
        Error = error;
        Description = description;
        Status = status;
        CheckId = checkId;
    }

    /// <summary>An unspecified refusal.</summary>
    public MandateErrorException()
        : this("unknown", "", 0)
    {
    }

    /// <summary>A refusal described only by a message.</summary>
    public MandateErrorException(string message)
        : this("unknown", message, 0)
    {
    }

    /// <summary>A failure caused by another exception (e.g. the broker was unreachable).</summary>
    public MandateErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = "unknown";
        Description = message;
    }

    /// <summary>The RFC 6749 §5.2 error code, e.g. <c>invalid_target</c>.</summary>
    public string Error { get; }

    /// <summary>Human-readable reason naming the refusing rule and the remedy.</summary>
    public string Description { get; }

    /// <summary>HTTP status of the response.</summary>
    public int Status { get; }

    /// <summary>The stable id of the check that refused (<c>check_id</c>, e.g. <c>decide.no_rule</c>); null when the answer had none.</summary>
    public string? CheckId { get; }
}
