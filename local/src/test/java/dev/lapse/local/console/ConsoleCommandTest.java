package dev.lapse.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** Which region {@code ./lapse console} calls when {@code --region} is not given. */
class ConsoleCommandTest {

    @Test
    void theRegionTheQuickStartExportsForTheCliIsUsedWhenNoOtherIsGiven() {
        ConsoleCommand.Options noRegion = ConsoleCommand.parse(new String[] {"--stack", "lapse"});

        assertThat(ConsoleCommand.region(noRegion, Map.of("AWS_DEFAULT_REGION", "eu-west-1"))).isEqualTo(Region.EU_WEST_1);
        assertThat(ConsoleCommand.region(noRegion, Map.of("AWS_DEFAULT_REGION", " eu-west-1 ", "AWS_REGION", ""))).isEqualTo(Region.EU_WEST_1);
    }

    @Test
    void theRegionOptionComesFirst() {
        ConsoleCommand.Options withRegion = ConsoleCommand.parse(new String[] {"--stack", "lapse", "--region", "ap-south-1"});

        assertThat(ConsoleCommand.region(withRegion, Map.of("AWS_DEFAULT_REGION", "eu-west-1", "AWS_REGION", "us-west-2")))
                .isEqualTo(Region.AP_SOUTH_1);
    }
}
