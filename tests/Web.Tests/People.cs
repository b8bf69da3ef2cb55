namespace Chat.Web.Tests;

/// <summary>What a person does in the client, by the names a screen reader would use.</summary>
public static class People
{
    public const string Password = "correct horse battery 7";

    private static int _next;

    /// <summary>A username no other test uses (tests share one server).</summary>
    public static string NewName(string who) => $"{who}{Environment.ProcessId % 1000}x{Interlocked.Increment(ref _next)}z";

    public static async Task<IPage> SignUpAsync(IBrowserContext context, string username)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(username);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        return page;
    }

    public static async Task StartChatAsync(IPage page, string with)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(with);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = with })).ToBeVisibleAsync();
    }

    public static async Task SendAsync(IPage page, string text)
    {
        await page.GetByLabel("Message", new() { Exact = true }).FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
    }

    public static ILocator Conversation(IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations" }).GetByRole(AriaRole.Button, new() { Name = name });

    public static ILocator MessageTexts(IPage page) => page.GetByRole(AriaRole.Log, new() { Name = "Messages" }).Locator(".text");

    /// <summary>The message (its list item in the log) whose text is this.</summary>
    public static ILocator MessageOf(IPage page, string text) =>
        page.GetByRole(AriaRole.Log, new() { Name = "Messages" }).GetByRole(AriaRole.Listitem).Filter(new() { Has = page.Locator(".text", new() { HasText = text }) });

    /// <summary>The ticks of one's own message with this text ("Sent", "Delivered", "Read").</summary>
    public static ILocator TicksOf(IPage page, string text) =>
        page.GetByRole(AriaRole.Log, new() { Name = "Messages" }).Locator(".message.mine", new() { HasText = text }).GetByRole(AriaRole.Img);
}
