using System.Net;
using System.Net.Http.Json;

namespace Chat.Web.Tests;

/// <summary>Issue 24: a sign-in with an admin's temporary password asks for a new one before anything else.</summary>
[Collection(WebCollection.Name)]
public sealed class TemporaryPasswordTests(WebFixture fixture)
{
    private const string Temporary = "temporary lantern 42", Chosen = "my own river stone 9";

    [SkippableFact]
    public async Task A_temporary_password_leads_to_choose_a_new_password_and_then_to_the_chat()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var name = People.NewName("temp");
        await fixture.Server.Client().SignUpAsync(name);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.Http.PutAsJsonAsync($"/v1/admin/users/{name}/password", new { password = Temporary })).StatusCode);

        await using var context = await fixture.NewPersonAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Temporary);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // Nothing of the chat before the new password: the form alone.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("New password", new() { Exact = true })).ToBeFocusedAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations" })).ToHaveCountAsync(0);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(Chosen);
        await page.GetByLabel("Repeat new password").FillAsync(Chosen + "x");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The two new passwords differ.");

        await page.GetByLabel("Repeat new password").FillAsync(Chosen);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await Expect(page.GetByText($"Signed in as {name}")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations" })).ToBeVisibleAsync();
        // The chosen password is the password now; the temporary one is no more.
        await fixture.Server.Client().SignInAsync(name, Chosen);
        var old = await fixture.Server.Client().PostJsonAsync("/v1/auth/token", new { grant_type = "password", username = name, password = Temporary });
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        await page.ReloadAsync();
        await Expect(page.GetByText($"Signed in as {name}")).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task A_reload_before_the_change_asks_for_the_temporary_password_too()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var name = People.NewName("tempreload");
        await fixture.Server.Client().SignUpAsync(name);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.Http.PutAsJsonAsync($"/v1/admin/users/{name}/password", new { password = Temporary })).StatusCode);

        await using var context = await fixture.NewPersonAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Temporary);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();

        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
        await page.GetByLabel("Temporary password").FillAsync(Temporary);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(Chosen);
        await page.GetByLabel("Repeat new password").FillAsync(Chosen);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await Expect(page.GetByText($"Signed in as {name}")).ToBeVisibleAsync();
    }
}
