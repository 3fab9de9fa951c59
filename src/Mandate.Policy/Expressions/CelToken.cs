namespace Mandate.Policy.Expressions;

/// <summary>Kinds of lexical tokens of the expression language.</summary>
internal enum CelTokenKind
{
    End,
    Int,
    Double,
    String,
    Identifier,
    True,
    False,
    Null,
    In,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Dot,
    Comma,
    Colon,
    Question,
    Not,
    Minus,
    Plus,
    Star,
    Slash,
    Percent,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    And,
    Or,
}

/// <summary>One token: its kind, decoded value (for literals and identifiers) and offset in the source.</summary>
internal readonly record struct CelToken(CelTokenKind Kind, int Offset, string Text, object? Value = null);
