namespace Chat.Web.Tests;

/// <summary>docs/screenshots/, shown in README; refreshed when a run sets CHAT_UPDATE_SCREENSHOTS=1.</summary>
public static class Screenshots
{
    public static async Task TakeAsync(WebFixture fixture, IPage alice, string aliceName, string bobName)
    {
        var folder = Path.Combine(RepositoryRoot.Path, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await alice.ScreenshotAsync(new() { Path = Path.Combine(folder, "desktop.png") });
        // The same person on a phone: the list, then the open conversation.
        await using var phone = await fixture.NewPersonAsync(width: 375, height: 740);
        var page = await phone.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(aliceName);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(People.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await People.Conversation(page, bobName).ClickAsync();
        await Expect(People.MessageTexts(page).Last).ToHaveTextAsync("hi alice");
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "phone-conversation.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Back" }).ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "phone-list.png") });
    }
}
