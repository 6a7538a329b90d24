/** The part of jStat (npm `jstat`, CommonJS, no types of its own) leadlag uses. */
declare module 'jstat' {
  const jstat: {
    readonly jStat: {
      readonly studentt: {
        /** P(T ≤ x) for Student's t with `dof` degrees of freedom. */
        cdf(x: number, dof: number): number;
      };
    };
  };
  export default jstat;
}
