namespace Mandate.Policy.Testing;

/// <summary>How <c>mandate policy test</c> treats a YAML file in a test folder.</summary>
public enum PolicyTestFileKind
{
    /// <summary>A test file: a mapping with a top-level <c>cases</c> key.</summary>
    Tests,

    /// <summary>Valid YAML that is not a test file (typically the policy under test); skipped.</summary>
    Other,

    /// <summary>Cannot be read or parsed: a failure, since it may be a broken test file.</summary>
    Unreadable,
}
