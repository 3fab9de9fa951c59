namespace Mandate.Policy;

/// <summary>Which subjects a rule applies to (the <c>subject</c> key).</summary>
public enum SubjectMatch
{
    /// <summary>Only requests on behalf of a user (<c>subject: user</c>).</summary>
    User,

    /// <summary>Only background work, where the agent acts for itself (<c>subject: agent</c>).</summary>
    Agent,

    /// <summary>Both (<c>subject: any</c>).</summary>
    Any,
}
