using System.Text;
using Chat.Shared.Http;

namespace Chat.Auth;

/// <summary>Username and password rules of docs/api.md ("Auth").</summary>
public static class CredentialRules
{
    public const int MinPasswordLength = 10;

    /// <summary>Usernames are case-insensitive: stored and compared in lower case.</summary>
    public static string Normalize(string username) => username.Trim().ToLowerInvariant();

    public static void CheckUsername(string? username, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(username)) errors.Add("username", "Is required.");
        else if (!IsUsername(username)) errors.Add("username", "Must be 3–32 characters of a–z, 0–9, '_', '.', '-'.");
    }

    /// <summary>3–32 characters of a–z, 0–9, '_', '.', '-' once normalized: no look-alike letters, no invisible ones.</summary>
    public static bool IsUsername(string username) =>
        Normalize(username) is var u && u.Length is >= 3 and <= 32 && u.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.' or '-');

    public static void CheckPassword(string? password, string? username, ValidationErrors errors, string field = "password")
    {
        if (string.IsNullOrEmpty(password)) errors.Add(field, "Is required.");
        else if (password.Length < MinPasswordLength) errors.Add(field, $"Must be at least {MinPasswordLength} characters.");
        else if (CommonPasswords.Contains(password)) errors.Add(field, "Is one of the most common passwords; choose another.");
        else if (username is not null && password.Contains(username.Trim(), StringComparison.OrdinalIgnoreCase))
            errors.Add(field, "Must not contain the username.");
        // bcrypt reads at most 72 bytes; a longer password would be silently cut.
        else if (Encoding.UTF8.GetByteCount(password) > 72) errors.Add(field, "Must be at most 72 bytes in UTF-8.");
    }
}
