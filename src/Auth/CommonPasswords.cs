namespace Chat.Auth;

/// <summary>
/// Passwords long enough to pass the length rule that still top every breach list (lower case).
/// A short list on purpose: the ones an attacker tries first.
/// </summary>
internal static class CommonPasswords
{
    private static readonly HashSet<string> List =
    [
        "1234567890", "0123456789", "12345678910", "123456789a", "a123456789", "1234567890a", "0987654321", "1111111111",
        "0000000000", "1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz2wsx3edc", "qwertyuiop", "qwerty1234", "qwerty12345", "qwerty123456",
        "qazwsxedcrfv", "asdfghjkl1", "zxcvbnm123", "password12", "password123", "password1234", "password1!", "passw0rd123",
        "p@ssw0rd123", "iloveyou12", "iloveyou123", "welcome123", "welcome1234", "letmein123", "football123", "baseball123",
        "sunshine123", "princess123", "dragon1234", "monkey1234", "superman123", "batman1234", "starwars123", "trustno1234",
        "changeme123", "administrator", "admin12345", "admin123456", "abc1234567", "abcdefghij", "abcdef123456", "michael123",
        "jennifer123", "charlie123", "computer123", "internet123", "whatever123", "1234554321", "9876543210", "11223344556",
        "correcthorse", "correct horse battery staple", "chatpassword", "mypassword1",
    ];

    public static bool Contains(string password) => List.Contains(password.Trim().ToLowerInvariant());
}
