using System.Net;
using System.Net.Http.Json;

namespace Chat.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class SessionTests(WebFixture fixture)
{
    [SkippableFact]
    public async Task A_reload_keeps_the_session_and_signing_out_removes_the_refresh_cookie_which_is_then_refused()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var context = await fixture.NewPersonAsync();
        var name = People.NewName("alice");
        var page = await People.SignUpAsync(context, name);
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "chat_refresh");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/v1/auth", cookie.Path);
        Assert.DoesNotContain(cookie.Value, await page.EvaluateAsync<string>("() => document.cookie + JSON.stringify(localStorage)"));

        await page.ReloadAsync();
        await Expect(page.GetByText($"Signed in as {name}")).ToBeVisibleAsync();
        // The reload rotated it: the first cookie is used up, the browser holds the new one.
        var rotated = Assert.Single(await context.CookiesAsync(), c => c.Name == "chat_refresh");
        Assert.NotEqual(cookie.Value, rotated.Value);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "chat_refresh");
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var refused = await http.PostAsJsonAsync("/v1/auth/token", new { grant_type = "refresh_token", refresh_token = rotated.Value });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task Keyboard_alone_signs_in_opens_a_chat_and_sends()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var bob = await fixture.Server.Client().SignUpAsync(People.NewName("bob"));
        var aliceName = People.NewName("alice");
        await fixture.Server.Client().SignUpAsync(aliceName);
        var conversation = await bob.CreateConversationAsync("direct", aliceName);
        await bob.SendTextAsync(conversation, "ping from bob");

        await using var context = await fixture.NewPersonAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.GetByLabel("Username", new() { Exact = true })).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(aliceName);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(ApiClient.Password);
        await page.Keyboard.PressAsync("Enter");
        var entry = People.Conversation(page, bob.Username!);
        await Expect(entry).ToBeVisibleAsync();
        for (var presses = 0; presses < 20 && !await entry.EvaluateAsync<bool>("e => e === document.activeElement"); presses++)
            await page.Keyboard.PressAsync("Tab");
        await Expect(entry).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByLabel("Message", new() { Exact = true })).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("sent by keyboard");
        await page.Keyboard.PressAsync("Enter");
        await Expect(People.MessageTexts(page)).ToHaveTextAsync(["ping from bob", "sent by keyboard"]);
        await Eventually.UntilAsync(async () => (await bob.HistoryAsync(conversation)).Count, n => n == 2, TimeSpan.FromSeconds(10), "the message in bob's history");
    }
}
