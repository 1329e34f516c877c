// The VXLAN network identifier Docker gave an overlay, read live: what chapters write as `vni: { network: … }`.

export const networkNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The command whose output is the network's VNI (Docker's overlay driver keeps it in the network's options). */
export function vniCommand(network: string): string {
	if (!networkNamePattern.test(network)) throw new Error(`"${network}" is not a network name`);
	return `docker network inspect ${network} --format '{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}'`;
}
